package dev.titans4j.t2.engine;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.titans4j.export.ExportOptions;
import dev.titans4j.export.OnnxExporter;
import dev.titans4j.export.manifest.ModelManifest.Precision;
import dev.titans4j.export.testing.TinyCheckpoint;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Weights must live in anonymous memory, not in file mappings the OS reclaims when idle. Checked in
 * {@code /proc/self/maps}: ONNX Runtime alone maps an external data file; {@link OnnxModel} maps neither that file nor
 * {@code model.onnx}, and computes the same logits from its own buffers.
 */
class WeightsResidencyTest {

    private static final Path MAPS = Path.of("/proc/self/maps");
    private static final int[] PROMPT = {1, 5, 9, 33, 2, 7};

    @TempDir
    Path temp;
    private Path hf;

    @BeforeEach
    void checkpoint() {
        Assumptions.assumeTrue(Files.isReadable(MAPS), "needs Linux /proc/self/maps");
        hf = TinyCheckpoint.llama().hidden(64).intermediate(128).vocab(512).write(temp.resolve("hf"));
    }

    private Path exportWithExternalData() throws IOException {
        return export(Precision.fp32, true);
    }

    private Path export(Precision precision, boolean externalData) throws IOException {
        Path out = temp.resolve(precision + (externalData ? "-external" : "-inline"));
        OnnxExporter.builder().options(ExportOptions.builder().precision(precision).externalData(externalData)
                .build()).build().export(hf, out);
        assertThat(out.resolve("model.onnx.data").toFile().exists()).isEqualTo(externalData);
        return out;
    }

    @Test
    void onnx_runtime_on_its_own_maps_the_external_data_file() throws Exception {
        Path folder = exportWithExternalData();
        try (OrtSession session = OrtEnvironment.getEnvironment().createSession(
                folder.resolve("model.onnx").toString(), new OrtSession.SessionOptions())) {
            assertThat(mappingsOf(folder)).as("the check below can see a mapping").isNotEmpty();
        }
    }

    @ParameterizedTest
    @EnumSource(value = Precision.class, names = {"fp32", "fp16", "int4"})
    void external_data_is_read_into_our_buffers_and_gives_the_same_logits(Precision precision) throws Exception {
        Path external = export(precision, true);
        Path inline = export(precision, false);
        float[] expected;
        try (OnnxModel model = OnnxModel.load(inline, EngineOptions.defaults());
             DecoderSession session = model.newSession()) {
            expected = session.prefill(PROMPT);
            assertThat(model.externalInitializers()).isZero();
            assertThat(mappingsOf(inline)).isEmpty();
        }
        try (OnnxModel model = OnnxModel.load(external, EngineOptions.defaults());
             DecoderSession session = model.newSession()) {
            assertThat(model.externalInitializers()).isGreaterThan(5);
            assertThat(session.prefill(PROMPT)).containsExactly(expected);
            assertThat(mappingsOf(external)).isEmpty();
        }
    }

    private static List<String> mappingsOf(Path folder) throws IOException {
        String prefix = folder.toRealPath().toString();
        return Files.readAllLines(MAPS).stream().filter(line -> line.contains(prefix)).toList();
    }
}
