package dev.titans4j.export.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.file.Path;
import java.util.Map;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnxruntime.OrtException;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What ONNX Runtime 1.24.1's CPU GroupQueryAttention does with a cos/sin cache narrower than head_dim / 2 (Phi-4-mini's
 * partial rotary: 96 of 128 dims): it rotates the first {@code 2 * width} dims of every head with rotate_half over that
 * part only (pair i with i + width) and passes the rest through, exactly transformers' {@code apply_rotary_pos_emb}
 * with {@code q[..., :rotary_dim]} / {@code q[..., rotary_dim:]}. The width must be a multiple of 8 (so the rotary dim
 * a multiple of 16); narrower or odd widths are refused at run time, hence the exporter's explicit rotary path there.
 * Checked on the present key (the rotated keys as cached) against a hand computation. The table's rows are indexed by
 * position and must reach the total sequence length.
 */
class GroupQueryAttentionRotaryContractTest {
    @TempDir
    Path dir;

    @ParameterizedTest(name = "head_dim {0}, cos_cache width {1}")
    @CsvSource({"16, 8", "32, 16", "32, 8", "64, 24", "128, 48"})
    void rotatesTheFirstRotaryDimsAndPassesTheRestThrough(int headDim, int half) throws Exception {
        assertThat(maxErrorAgainstPartialRotateHalf(headDim, half)).isLessThan(1e-6);
    }

    @ParameterizedTest(name = "head_dim {0}, cos_cache width {1}")
    @CsvSource({"16, 6", "32, 12", "32, 4"})
    void refusesWidthsThatAreNotMultiplesOfEight(int headDim, int half) {
        assertThatThrownBy(() -> maxErrorAgainstPartialRotateHalf(headDim, half)).isInstanceOf(OrtException.class)
                .hasMessageContaining("cos_cache dimension 1 must be <= head_size / 2 and a multiple of 8.");
    }

    /**
     * The table needs rows only up to the total sequence length, whatever the (shared) past buffer's capacity: a
     * per-run slice of a longer table (longrope's short or long rows) is enough.
     */
    @ParameterizedTest(name = "past buffer {0}")
    @ValueSource(ints = {0, 8})
    void needsTableRowsUpToTheTotalLengthOnly(int buffer) throws Exception {
        assertThat(run(32, 16, 3, buffer)).isLessThan(1e-6);
        assertThatThrownBy(() -> run(32, 16, 2, buffer)).isInstanceOf(OrtException.class)
                .hasMessageContaining("cos_cache dimension 0 shall not be less than total_sequence_length.");
    }

    private double maxErrorAgainstPartialRotateHalf(int headDim, int half) throws Exception {
        return run(headDim, half, 8, 0);
    }

    /** Three new positions after an empty cache held in a past buffer of {@code buffer} rows. */
    private double run(int headDim, int half, int positions, int buffer) throws Exception {
        int s = 3;
        Graph g = new Graph("probe");
        String q = g.input("q", ElemType.FLOAT, 1L, (long) s, (long) headDim);
        String k = g.input("k", ElemType.FLOAT, 1L, (long) s, (long) headDim);
        String v = g.input("v", ElemType.FLOAT, 1L, (long) s, (long) headDim);
        String pk = g.input("pk", ElemType.FLOAT, 1L, 1L, "p", (long) headDim);
        String pv = g.input("pv", ElemType.FLOAT, 1L, 1L, "p", (long) headDim);
        String sk = g.input("sk", ElemType.INT32, 1L);
        String tl = g.input("tl", ElemType.INT32);
        double[] f = new double[half];
        for (int i = 0; i < half; i++) {
            f[i] = 1.0 / Math.pow(10000, 2.0 * i / (2 * half));
        }
        long[] tableShape = {positions, half};
        String cos = g.initializer("cos", ElemType.FLOAT, tableShape,
                TensorData.ofFloats(RotaryTables.cos(f, positions)));
        String sin = g.initializer("sin", ElemType.FLOAT, tableShape,
                TensorData.ofFloats(RotaryTables.sin(f, positions)));
        g.msOp("GroupQueryAttention").in(q, k, v, pk, pv, sk, tl, cos, sin).attr("do_rotary", 1L)
                .attr("rotary_interleaved", 0L).attr("num_heads", 1L).attr("kv_num_heads", 1L)
                .out("o", "presk", "presv").build();
        g.output("o", ElemType.FLOAT, 1L, (long) s, (long) headDim);
        g.output("presk", ElemType.FLOAT, 1L, 1L, "t", (long) headDim);
        g.output("presv", ElemType.FLOAT, 1L, 1L, "t", (long) headDim);
        Path model = dir.resolve("m.onnx");
        new OnnxModelWriter().opset("", 21).opset(Graph.MS_DOMAIN, 1).write(g, model, false, null);
        float[] kv = new float[s * headDim];
        for (int i = 0; i < kv.length; i++) {
            kv[i] = (float) Math.sin(i * 0.7 + 0.3);
        }
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession session = env.createSession(model.toString(), new OrtSession.SessionOptions())) {
            long[] shape = {1, s, headDim};
            long[] pastShape = {1, 1, buffer, headDim};
            Map<String, OnnxTensor> in = Map.of( // q = k = v: only the present key is read
                    "q", OnnxTensor.createTensor(env, FloatBuffer.wrap(kv), shape),
                    "k", OnnxTensor.createTensor(env, FloatBuffer.wrap(kv), shape),
                    "v", OnnxTensor.createTensor(env, FloatBuffer.wrap(kv), shape),
                    "pk", OnnxTensor.createTensor(env, FloatBuffer.allocate(buffer * headDim), pastShape),
                    "pv", OnnxTensor.createTensor(env, FloatBuffer.allocate(buffer * headDim), pastShape),
                    "sk", OnnxTensor.createTensor(env, IntBuffer.wrap(new int[] {s - 1}), new long[] {1}),
                    "tl", OnnxTensor.createTensor(env, IntBuffer.wrap(new int[] {s}), new long[0]));
            try (OrtSession.Result r = session.run(in)) {
                in.values().forEach(OnnxTensor::close);
                float[][][][] pres = (float[][][][]) r.get("presk").orElseThrow().getValue();
                double worst = 0;
                for (int p = 0; p < s; p++) {
                    for (int d = 0; d < headDim; d++) {
                        double x = kv[p * headDim + d];
                        double want;
                        if (d < half) {
                            want = x * Math.cos(p * f[d]) - kv[p * headDim + d + half] * Math.sin(p * f[d]);
                        } else if (d < 2 * half) {
                            int i = d - half;
                            want = x * Math.cos(p * f[i]) + kv[p * headDim + i] * Math.sin(p * f[i]);
                        } else {
                            want = x;
                        }
                        worst = Math.max(worst, Math.abs(want - pres[0][0][p][d]));
                    }
                }
                return worst;
            }
        }
    }
}
