package dev.titans4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.titans4j.export.manifest.FileDigest;
import dev.titans4j.export.manifest.ModelManifest;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.RandomAccessFile;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code titans4j verify DIR}: one line per file, exit 1 on any mismatch. */
class VerifyCommandTest {

    @TempDir
    static Path dir;
    static Path model;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @BeforeAll
    static void exportModel() {
        model = ExportedStories.export(dir);
    }

    private int run(Path folder) {
        CommandLine cli = Titans4jCli.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute("verify", folder.toString());
    }

    @Test
    void anIntactExportListsEveryFileAndExitsZero() throws IOException {
        Map<String, FileDigest> digests = ModelManifest.read(model).fileDigests();
        assertThat(run(model)).as(err.toString()).isZero();
        List<String> lines = out.toString().lines().toList();
        assertThat(lines).hasSize(digests.size() + 1);
        digests.forEach((file, d) -> assertThat(lines)
                .contains("ok    " + file + " (" + d.size() + " bytes, crc32c " + d.crc32c() + ")"));
        assertThat(lines.get(lines.size() - 1)).startsWith("verified " + digests.size() + " files, ");
        assertThat(err.toString()).isEmpty();
    }

    @Test
    void flippedBytesInThePlainGraphAreNamedAndExitOne() throws IOException {
        Path copy = copy("flipped");
        Path plain = copy.resolve("model-plain.onnx");
        Map<String, FileDigest> digests = ModelManifest.read(copy).fileDigests();
        try (RandomAccessFile f = new RandomAccessFile(plain.toFile(), "rw")) {
            for (long i = f.length() / 2; i < f.length() / 2 + 200; i++) {
                f.seek(i);
                int b = f.read();
                f.seek(i);
                f.write(~b);
            }
        }
        assertThat(run(copy)).isEqualTo(1);
        assertThat(out.toString().lines()).hasSize(digests.size())
                .contains("FAIL  model-plain.onnx: CRC32C " + FileDigest.of(plain).crc32c() + ", the manifest says "
                        + digests.get("model-plain.onnx").crc32c()
                        + ": the contents changed after export: re-export or copy the folder again")
                .filteredOn(line -> line.startsWith("ok    ")).hasSize(digests.size() - 1);
        assertThat(err.toString()).isEqualTo("error: 1 of " + digests.size() + " files in " + copy
                + " do not match the manifest" + System.lineSeparator());
    }

    @Test
    void aTruncatedFileIsNamedWithBothSizes() throws IOException {
        Path copy = copy("truncated");
        Path svf = copy.resolve("svf.safetensors");
        long size = Files.size(svf);
        try (RandomAccessFile f = new RandomAccessFile(svf.toFile(), "rw")) {
            f.setLength(size / 2);
        }
        assertThat(run(copy)).isEqualTo(1);
        assertThat(out.toString().lines()).contains("FAIL  svf.safetensors: " + size / 2
                + " bytes, the manifest says " + size + ": re-export or copy the folder again");
    }

    @Test
    void aManifestWithoutDigestsHasNothingToVerify() throws IOException {
        Path copy = copy("old");
        Path file = copy.resolve(ModelManifest.FILE_NAME);
        ObjectMapper json = new ObjectMapper();
        ObjectNode node = (ObjectNode) json.readTree(file.toFile());
        node.remove("fileDigests");
        json.writeValue(file.toFile(), node);
        assertThat(run(copy)).isEqualTo(1);
        assertThat(out.toString()).isEmpty();
        assertThat(err.toString()).isEqualTo("error: " + file + " records no file sizes or checksums (exported"
                + " before titans4j recorded them): nothing to verify; re-export the model to add them"
                + System.lineSeparator());
    }

    @Test
    void aFolderThatIsNotAnExport() throws IOException {
        Path empty = Files.createDirectories(dir.resolve("empty"));
        assertThat(run(empty)).isEqualTo(1);
        assertThat(err.toString()).startsWith("error: " + empty + " has no manifest.json").doesNotContain("\tat ");
    }

    @Test
    void aFileInsteadOfTheFolderIsRefusedWithoutNamingAnOptionVerifyDoesNotHave() throws IOException {
        Path file = model.resolve(ModelManifest.FILE_NAME);
        assertThat(run(file)).isEqualTo(1);
        assertThat(err.toString()).isEqualTo("error: " + file + " is a file, not a model folder: pass the folder"
                + " 'titans4j export' wrote" + System.lineSeparator());
    }

    private static Path copy(String name) throws IOException {
        Path copy = Files.createDirectories(dir.resolve(name));
        try (Stream<Path> files = Files.list(model)) {
            for (Path file : files.toList()) {
                Files.copy(file, copy.resolve(file.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        return copy;
    }
}
