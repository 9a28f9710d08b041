package dev.titans4j.export.onnx;

import dev.titans4j.export.safetensors.HalfFloats;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The hand-written protobuf encoder produces models ONNX Runtime loads and runs, inline and with external data. */
class OnnxModelWriterTest {

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void matMulAddRunsInOnnxRuntime(boolean external) throws Exception {
        int in = 40;
        int out = 30; // 40x30 floats = 4800 bytes: goes external when asked
        float[] w = new float[in * out];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) Math.sin(i * 0.37);
        }
        float[] bias = {0.5f};
        Graph g = new Graph("test");
        String x = g.input("x", ElemType.FLOAT, "batch", (long) in);
        String wName = g.initializer("w", ElemType.FLOAT, new long[] {in, out}, TensorData.ofFloats(w));
        String b = g.initializer("b", ElemType.FLOAT, new long[] {1}, TensorData.ofFloats(bias));
        String mm = g.op("MatMul").in(x, wName).build();
        g.op("Add").in(mm, b).out("y").build();
        g.output("y", ElemType.FLOAT, "batch", (long) out);

        Path model = dir.resolve("model.onnx");
        OnnxModelWriter.Written written = new OnnxModelWriter().opset("", 21).write(g, model, external, null);
        if (external) {
            assertThat(written.dataFile()).exists();
            assertThat(Files.size(written.dataFile())).isEqualTo(4L * in * out);
            assertThat(Files.size(model)).isLessThan(1000);
        } else {
            assertThat(written.dataFile()).isNull();
            assertThat(Files.size(model)).isGreaterThan(4L * in * out);
        }

        float[][] input = new float[2][in];
        input[0][3] = 1f;
        input[1][7] = 2f;
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession session = env.createSession(model.toString(), new OrtSession.SessionOptions());
             OnnxTensor t = OnnxTensor.createTensor(env, input);
             OrtSession.Result r = session.run(Map.of("x", t))) {
            float[][] y = (float[][]) r.get(0).getValue();
            for (int j = 0; j < out; j++) {
                assertThat(y[0][j]).isEqualTo(w[3 * out + j] + 0.5f);
                assertThat(y[1][j]).isEqualTo(2 * w[7 * out + j] + 0.5f);
            }
        }
    }

    @Test
    void modelsBeyondTheProtobufLimitMustUseExternalData() throws Exception {
        Graph g = new Graph("big");
        // 2 GB declared, never materialised: the check uses declared sizes only
        g.initializer("huge", ElemType.FLOAT, new long[] {500_000_000L},
                TensorData.lazy(2_000_000_000L, () -> {
                    throw new AssertionError("must not be computed");
                }));
        assertThat(OnnxModelWriter.mustUseExternalData(g)).isTrue();
        org.assertj.core.api.Assertions.assertThatThrownBy(() ->
                        new OnnxModelWriter().write(g, dir.resolve("big.onnx"), false, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("external data is required");

        Graph small = new Graph("small");
        small.initializer("w", ElemType.FLOAT, new long[] {4}, TensorData.ofFloats(new float[4]));
        assertThat(OnnxModelWriter.mustUseExternalData(small)).isFalse();
    }

    @Test
    void externalTensorsStartAt4KiBAlignedOffsets() throws Exception {
        Graph g = new Graph("aligned");
        String x = g.input("x", ElemType.FLOAT, 1L, 300L);
        String w1 = g.initializer("w1", ElemType.FLOAT, new long[] {300, 300}, TensorData.ofFloats(new float[90000]));
        String w2 = g.initializer("w2", ElemType.FLOAT, new long[] {300, 5}, TensorData.ofFloats(new float[1500]));
        String h = g.op("MatMul").in(x, w1).build();
        g.op("MatMul").in(h, w2).out("y").build();
        g.output("y", ElemType.FLOAT, 1L, 5L);
        OnnxModelWriter.Written written = new OnnxModelWriter().opset("", 21)
                .write(g, dir.resolve("a.onnx"), true, null);
        // w1 at 0 (360000 bytes), w2 at the next multiple of 4096
        assertThat(written.dataBytes()).isEqualTo((360000 + 4095) / 4096 * 4096 + 6000);
        String proto = new String(Files.readAllBytes(written.modelFile()), java.nio.charset.StandardCharsets.ISO_8859_1);
        assertThat(proto).contains("offset").contains(Long.toString((360000 + 4095) / 4096 * 4096));
        try (OrtSession session = OrtEnvironment.getEnvironment().createSession(written.modelFile().toString(),
                new OrtSession.SessionOptions())) {
            assertThat(session.getOutputNames()).containsExactly("y");
        }
    }

    @Test
    void float16RoundTripsAndRoundsToNearestEven() {
        for (float v : new float[] {0f, 1f, -2.5f, 65504f, 6.1035156e-5f, 5.9604645e-8f, 0.1f, 1e-3f}) {
            float back = HalfFloats.halfToFloat(HalfFloats.floatToHalf(v));
            assertThat((double) back).isCloseTo(v, org.assertj.core.data.Offset.offset(Math.abs(v) * 1e-3 + 1e-8));
        }
        assertThat(HalfFloats.floatToHalf(1f)).isEqualTo((short) 0x3C00);
        assertThat(HalfFloats.floatToHalf(70000f)).isEqualTo((short) 0x7C00);
        // 1 + 2^-11 is halfway between 1 and 1 + 2^-10: ties to even (1.0)
        assertThat(HalfFloats.floatToHalf(1f + 0x1p-11f)).isEqualTo((short) 0x3C00);
    }
}
