package dev.titans4j.export.manifest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.titans4j.export.ExportOptions;
import dev.titans4j.export.ExportResult;
import dev.titans4j.export.OnnxExporter;
import dev.titans4j.export.testing.TinyCheckpoint;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The digests the exporter records describe the files it wrote, and every kind of damage is told apart. */
class FileIntegrityTest {

    @TempDir
    Path dir;

    private ExportResult export(ExportOptions options) throws Exception {
        Path hf = TinyCheckpoint.llama().write(dir.resolve("hf"));
        return OnnxExporter.builder().options(options).build().export(hf, dir.resolve("out"));
    }

    @Test
    void theManifestRecordsEveryFileWrittenAsItIsOnDisk() throws Exception {
        ExportResult r = export(ExportOptions.builder().externalData(true).build());
        ModelManifest m = ModelManifest.read(r.outputDir());
        assertThat(m.fileDigests()).containsOnlyKeys("model.onnx", "model.onnx.data", "model-plain.onnx",
                "model-plain.onnx.data", "svf.safetensors", "generation_config.json", "tokenizer.json");
        for (var e : m.fileDigests().entrySet()) {
            // computed while writing; the file read back now must give the same
            assertThat(FileDigest.of(r.outputDir().resolve(e.getKey()))).as(e.getKey()).isEqualTo(e.getValue());
            assertThat(r.fileSizes().get(e.getKey())).as(e.getKey()).isEqualTo(e.getValue().size());
        }
        assertThat(FileIntegrity.checkAll(r.outputDir(), m, true)).hasSize(7).allMatch(FileIntegrity.Check::ok);
    }

    @Test
    void flippedBytesKeepTheSizeButNotTheChecksum() throws Exception {
        Path out = export(ExportOptions.defaults()).outputDir();
        Path plain = out.resolve("model-plain.onnx");
        long size = Files.size(plain);
        try (RandomAccessFile f = new RandomAccessFile(plain.toFile(), "rw")) {
            f.seek(size / 2);
            int b = f.read();
            f.seek(size / 2);
            f.write(b ^ 0xff);
        }
        ModelManifest m = ModelManifest.read(out);
        String expected = m.fileDigests().get("model-plain.onnx").crc32c();
        String actual = FileDigest.of(plain).crc32c();
        assertThatCode(() -> FileIntegrity.requireIntact(out, m, List.of("model-plain.onnx"), false))
                .doesNotThrowAnyException();
        assertThatThrownBy(() -> FileIntegrity.requireIntact(out, m, List.of("model-plain.onnx"), true))
                .isInstanceOf(FileIntegrity.CorruptModelFileException.class)
                .hasMessage(plain + ": CRC32C " + actual + ", the manifest says " + expected
                        + ": the contents changed after export: re-export or copy the folder again");
        List<FileIntegrity.Check> checks = FileIntegrity.checkAll(out, m, true);
        assertThat(checks).filteredOn(c -> !c.ok()).extracting(FileIntegrity.Check::file)
                .containsExactly("model-plain.onnx");
    }

    @Test
    void aTruncatedOrMissingFileFailsTheSizeCheck() throws Exception {
        Path out = export(ExportOptions.defaults()).outputDir();
        ModelManifest m = ModelManifest.read(out);
        long size = m.fileDigests().get("svf.safetensors").size();
        try (RandomAccessFile f = new RandomAccessFile(out.resolve("svf.safetensors").toFile(), "rw")) {
            f.setLength(size - 10);
        }
        assertThatThrownBy(() -> FileIntegrity.requireIntact(out, m, m.fileDigests().keySet(), false))
                .hasMessage(out.resolve("svf.safetensors") + ": " + (size - 10) + " bytes, the manifest says " + size
                        + ": re-export or copy the folder again");

        Files.delete(out.resolve("svf.safetensors"));
        assertThat(FileIntegrity.checkAll(out, m, false)).filteredOn(c -> !c.ok()).singleElement()
                .satisfies(c -> {
                    assertThat(c.file()).isEqualTo("svf.safetensors");
                    assertThat(c.actual()).isNull();
                    assertThat(c.problem()).isEqualTo("missing, the manifest lists it with " + size
                            + " bytes: re-export or copy the folder again");
                });
    }

    @Test
    void aManifestWithoutDigestsHasNothingToCheck() throws Exception {
        Path out = export(ExportOptions.defaults()).outputDir();
        Path file = out.resolve(ModelManifest.FILE_NAME);
        ObjectMapper json = new ObjectMapper();
        ObjectNode node = (ObjectNode) json.readTree(file.toFile());
        node.remove("fileDigests");
        json.writeValue(file.toFile(), node);
        Files.write(out.resolve("model.onnx"), new byte[] {1, 2, 3}); // would fail any check
        ModelManifest m = ModelManifest.read(out);
        assertThat(m.fileDigests()).isNull();
        assertThat(FileIntegrity.checkAll(out, m, true)).isEmpty();
        assertThatCode(() -> FileIntegrity.requireIntact(out, m, List.of("model.onnx"), true))
                .doesNotThrowAnyException();
    }
}
