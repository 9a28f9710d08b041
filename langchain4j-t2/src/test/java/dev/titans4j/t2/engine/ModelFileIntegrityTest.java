package dev.titans4j.t2.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.titans4j.export.OnnxExporter;
import dev.titans4j.export.manifest.FileDigest;
import dev.titans4j.export.manifest.FileIntegrity.CorruptModelFileException;
import dev.titans4j.export.manifest.ModelManifest;
import dev.titans4j.export.testing.TinyCheckpoint;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Loading compares every file it relies on with the manifest's sizes (always) and checksums (on request), so damaged
 * copies fail at load with the file named, the lazily loaded SVF graph included.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ModelFileIntegrityTest {

    @TempDir
    static Path dir;

    private Path exported;
    private final EngineOptions options = EngineOptions.defaults().withIntraOpThreads(1);

    @BeforeAll
    void exportTinyModel() throws IOException {
        Path hf = TinyCheckpoint.llama().headDim(16).seed(11).write(dir.resolve("hf"));
        exported = dir.resolve("exported");
        OnnxExporter.builder().build().export(hf, exported);
    }

    @Test
    void aTruncatedSvfGraphFailsAtLoadNotAtTheFirstExpertMix() throws IOException {
        Path copy = copy("truncated-svf-graph");
        long size = truncate(copy.resolve("model.onnx"), 100);
        assertThatThrownBy(() -> OnnxModel.load(copy, options)).isInstanceOf(CorruptModelFileException.class)
                .hasMessage(copy.resolve("model.onnx") + ": " + (size - 100) + " bytes, the manifest says " + size
                        + ": re-export or copy the folder again");
    }

    @Test
    void truncatedSingularValuesFailAtLoad() throws IOException {
        Path copy = copy("truncated-svf-values");
        long size = truncate(copy.resolve(OnnxExporter.SVF_FILE), 8);
        assertThatThrownBy(() -> OnnxModel.load(copy, options)).isInstanceOf(CorruptModelFileException.class)
                .hasMessage(copy.resolve(OnnxExporter.SVF_FILE) + ": " + (size - 8) + " bytes, the manifest says "
                        + size + ": re-export or copy the folder again");
    }

    @Test
    void flippedBytesInThePlainGraphAreFoundWithChecksumsOn() throws IOException {
        Path copy = copy("flipped");
        Path plain = copy.resolve(OnnxExporter.PLAIN_MODEL_FILE);
        String recorded = ModelManifest.read(copy).fileDigests().get(OnnxExporter.PLAIN_MODEL_FILE).crc32c();
        try (RandomAccessFile f = new RandomAccessFile(plain.toFile(), "rw")) {
            long start = f.length() / 2;
            for (long i = start; i < start + 200; i++) { // 200 bytes of weights, as in the probe
                f.seek(i);
                int b = f.read();
                f.seek(i);
                f.write(b ^ 0x5a);
            }
        }
        String now = FileDigest.of(plain).crc32c();
        assertThatThrownBy(() -> OnnxModel.load(copy, options.withVerifyChecksums(true)))
                .isInstanceOf(CorruptModelFileException.class)
                .hasMessage(plain + ": CRC32C " + now + ", the manifest says " + recorded
                        + ": the contents changed after export: re-export or copy the folder again");
    }

    @Test
    void anIntactExportLoadsWithChecksumsOn() {
        try (OnnxModel model = OnnxModel.load(exported, options.withVerifyChecksums(true));
             DecoderSession session = model.newSession()) {
            assertThat(session.forward(new int[] {1, 2, 3}, 0)).isNotEmpty();
        }
    }

    @Test
    void aPlainCompanionThatIsNotUsedIsNotChecked() throws IOException {
        Path copy = copy("unused-companion");
        truncate(copy.resolve(OnnxExporter.PLAIN_MODEL_FILE), 10);
        try (OnnxModel model = OnnxModel.load(copy, options.withPlainCompanion(false))) {
            assertThat(model.usesPlainCompanion()).isFalse();
        }
        assertThatThrownBy(() -> OnnxModel.load(copy, options)).isInstanceOf(CorruptModelFileException.class)
                .hasMessageStartingWith(copy.resolve(OnnxExporter.PLAIN_MODEL_FILE) + ": ");
    }

    @Test
    void anExportWhoseManifestPredatesDigestsStillLoadsAndRuns() throws IOException {
        Path copy = copy("old-manifest");
        Path file = copy.resolve(ModelManifest.FILE_NAME);
        ObjectMapper json = new ObjectMapper();
        ObjectNode node = (ObjectNode) json.readTree(file.toFile());
        node.remove("fileDigests");
        json.writeValue(file.toFile(), node);
        try (OnnxModel model = OnnxModel.load(copy, options.withVerifyChecksums(true))) {
            assertThat(model.manifest().fileDigests()).isNull();
            try (DecoderSession plain = model.newSession();
                 DecoderSession svf = model.newSession(Map.of(), true)) {
                assertThat(plain.forward(new int[] {1, 2, 3}, 0)).isNotEmpty();
                assertThat(svf.forward(new int[] {1, 2, 3}, 0)).isNotEmpty();
            }
        }
    }

    @Test
    void checksumsAreOffByDefaultAndOlderConstructorsKeepThemOff() {
        assertThat(EngineOptions.defaults().verifyChecksums()).isFalse();
        assertThat(new EngineOptions(1, ExecutionProvider.CPU, 0, 0, true, false))
                .isEqualTo(new EngineOptions(1, ExecutionProvider.CPU, 0, 0, true, false, false));
        assertThat(EngineOptions.defaults().withVerifyChecksums(true).withIntraOpThreads(2).verifyChecksums())
                .isTrue();
    }

    /** Cuts the last {@code bytes} off; returns the size before. */
    private static long truncate(Path file, int bytes) throws IOException {
        long size = Files.size(file);
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(size - bytes);
        }
        return size;
    }

    private Path copy(String name) throws IOException {
        Path copy = Files.createDirectories(dir.resolve(name));
        try (Stream<Path> files = Files.list(exported)) {
            for (Path file : files.toList()) {
                Files.copy(file, copy.resolve(file.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        return copy;
    }
}
