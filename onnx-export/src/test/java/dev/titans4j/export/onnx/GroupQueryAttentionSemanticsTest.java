package dev.titans4j.export.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * What ONNX Runtime's CPU {@code GroupQueryAttention} computes with the attributes the Gemma 3 export uses
 * ({@code scale}, {@code softcap}, {@code local_window_size}, {@code do_rotary} with per-node cos/sin caches),
 * against attention written out here by hand from transformers 5.17 ({@code eager_attention_forward} of
 * modeling_gemma3.py, masks of masking_utils.py, {@code rotate_half} RoPE):
 * <ul>
 *   <li>scores {@code (q·k) * scaling}, then (when set) {@code softcap * tanh(scores / softcap)}, then the mask,
 *       softmax in float32, times V; GQA shares each kv head among {@code num_heads / kv_num_heads} query heads;</li>
 *   <li>{@code causal_mask_function}: key j visible from query i iff {@code j <= i};
 *       {@code sliding_window_overlay(W)}: and {@code j > i - W}, so a query sees itself and the W - 1 keys before
 *       it (W keys). ORT's {@code local_window_size = W} gives exactly that, in prefill and in decode;</li>
 *   <li>RoPE: inv_freq[i] = 1 / base^(2i/d) (linear scaling divides it by the factor), angle = position * inv_freq,
 *       x*cos + rotate_half(x)*sin with rotate_half(x) = (-x2, x1); the cache rows are [position, d/2].</li>
 * </ul>
 */
class GroupQueryAttentionSemanticsTest {

    private static final int HEADS = 4;
    private static final int KV_HEADS = 2;
    private static final int HEAD_DIM = 16;
    private static final int POSITIONS = 32;

    @TempDir
    Path dir;

    /** One GQA node over a prompt of {@code length} tokens (no past): window, scale and softcap as given. */
    @ParameterizedTest(name = "prefill {0} tokens, window {1}, scale {2}, softcap {3}")
    @CsvSource({"10, 4, 0.3, 0", "10, 0, 0.3, 0", "12, 5, 0.2, 2.0", "7, 1, 0.25, 0", "9, 9, 0.4, 0"})
    void prefillMatchesTransformersAttention(int length, int window, float scale, float softcap) throws Exception {
        Random random = new Random(length * 31L + window);
        float[][] q = randomRows(random, length, HEADS * HEAD_DIM);
        float[][] k = randomRows(random, length, KV_HEADS * HEAD_DIM);
        float[][] v = randomRows(random, length, KV_HEADS * HEAD_DIM);
        double[] freqs = inverseFrequencies(10.0, 1.0);
        float[][] expected = attention(rotate(q, HEADS, freqs, 0), rotate(k, KV_HEADS, freqs, 0), v, 0, window,
                scale, softcap);
        Path model = gqaModel(new double[][] {freqs}, window, scale, softcap);
        float[][] actual = run(model, q, k, v, new float[0][], new float[0][], 1)[0];
        assertClose(actual, expected);
    }

    /** A window of W - 1 (or W + 1) really gives other outputs: the comparison above can tell them apart. */
    @Test
    void aWindowOffByOneIsDetected() throws Exception {
        Random random = new Random(5);
        float[][] q = randomRows(random, 10, HEADS * HEAD_DIM);
        float[][] k = randomRows(random, 10, KV_HEADS * HEAD_DIM);
        float[][] v = randomRows(random, 10, KV_HEADS * HEAD_DIM);
        double[] freqs = inverseFrequencies(10.0, 1.0);
        float[][] rq = rotate(q, HEADS, freqs, 0);
        float[][] rk = rotate(k, KV_HEADS, freqs, 0);
        float[][] actual = run(gqaModel(new double[][] {freqs}, 4, 0.3f, 0), q, k, v, new float[0][],
                new float[0][], 1)[0];
        assertThat(maxDiff(actual, attention(rq, rk, v, 0, 3, 0.3f, 0))).isGreaterThan(1e-2);
        assertThat(maxDiff(actual, attention(rq, rk, v, 0, 5, 0.3f, 0))).isGreaterThan(1e-2);
    }

    /**
     * Decoding one token after {@code past} cached ones (keys cached already rotated, as the present outputs hold
     * them): the window counts the new token itself.
     */
    @ParameterizedTest(name = "decode after {0}, window {1}")
    @CsvSource({"9, 4", "3, 4", "4, 4", "12, 6", "12, 0"})
    void decodeStepMatchesTransformersAttention(int past, int window) throws Exception {
        Random random = new Random(past * 7L + window);
        int total = past + 1;
        float[][] q = randomRows(random, 1, HEADS * HEAD_DIM);
        float[][] kAll = randomRows(random, total, KV_HEADS * HEAD_DIM);
        float[][] vAll = randomRows(random, total, KV_HEADS * HEAD_DIM);
        double[] freqs = inverseFrequencies(10000.0, 1.0);
        float[][] rkAll = rotate(kAll, KV_HEADS, freqs, 0);
        float[][] expected = attention(rotate(q, HEADS, freqs, past), rkAll, vAll, past, window, 0.25f, 0);

        float[][] pastKeys = java.util.Arrays.copyOf(rkAll, past);
        float[][] pastValues = java.util.Arrays.copyOf(vAll, past);
        float[][] actual = run(gqaModel(new double[][] {freqs}, window, 0.25f, 0), q,
                new float[][] {kAll[past]}, new float[][] {vAll[past]}, pastKeys, pastValues, 1)[0];
        assertClose(actual, expected);
    }

    /**
     * Two GQA nodes in one graph, each with its own cos/sin caches (Gemma 3: sliding layers base
     * rope_local_base_freq; global layers rope_theta with linear scaling factor 4): each rotates with its own.
     */
    @Test
    void eachNodeRotatesWithItsOwnCaches() throws Exception {
        Random random = new Random(11);
        int length = 8;
        float[][] q = randomRows(random, length, HEADS * HEAD_DIM);
        float[][] k = randomRows(random, length, KV_HEADS * HEAD_DIM);
        float[][] v = randomRows(random, length, KV_HEADS * HEAD_DIM);
        double[] local = inverseFrequencies(10.0, 1.0);
        double[] global = inverseFrequencies(1000.0, 4.0);
        float[][][] actual = run(gqaModel(new double[][] {local, global}, 0, 0.25f, 0), q, k, v, new float[0][],
                new float[0][], 2);
        assertClose(actual[0], attention(rotate(q, HEADS, local, 0), rotate(k, KV_HEADS, local, 0), v, 0, 0,
                0.25f, 0));
        assertClose(actual[1], attention(rotate(q, HEADS, global, 0), rotate(k, KV_HEADS, global, 0), v, 0, 0,
                0.25f, 0));
        assertThat(maxDiff(actual[0], actual[1])).isGreaterThan(1e-2);
    }

    /** transformers' default RoPE (linear: divided by {@code factor}), by hand: 1 / base^(2i/d). */
    static double[] inverseFrequencies(double base, double factor) {
        double[] f = new double[HEAD_DIM / 2];
        for (int i = 0; i < f.length; i++) {
            f[i] = 1.0 / Math.pow(base, 2.0 * i / HEAD_DIM) / factor;
        }
        return f;
    }

    /** apply_rotary_pos_emb: x*cos + rotate_half(x)*sin per head, row r at position first + r. */
    private static float[][] rotate(float[][] x, int heads, double[] freqs, int first) {
        int half = HEAD_DIM / 2;
        float[][] out = new float[x.length][x[0].length];
        for (int r = 0; r < x.length; r++) {
            for (int h = 0; h < heads; h++) {
                int o = h * HEAD_DIM;
                for (int i = 0; i < half; i++) {
                    double angle = (first + r) * freqs[i];
                    float cos = (float) Math.cos(angle);
                    float sin = (float) Math.sin(angle);
                    float x1 = x[r][o + i];
                    float x2 = x[r][o + half + i];
                    out[r][o + i] = x1 * cos - x2 * sin;
                    out[r][o + half + i] = x2 * cos + x1 * sin;
                }
            }
        }
        return out;
    }

    /**
     * eager_attention_forward with the causal mask and, for {@code window > 0}, sliding_window_overlay: queries are
     * at positions {@code first + r}, keys and values at 0..; rotated inputs.
     */
    private static float[][] attention(float[][] q, float[][] k, float[][] v, int first, int window, float scale,
                                       float softcap) {
        int group = HEADS / KV_HEADS;
        float[][] out = new float[q.length][HEADS * HEAD_DIM];
        for (int r = 0; r < q.length; r++) {
            int i = first + r;
            for (int h = 0; h < HEADS; h++) {
                int kvh = h / group;
                double[] scores = new double[i + 1];
                double max = Double.NEGATIVE_INFINITY;
                for (int j = 0; j <= i; j++) {
                    if (window > 0 && j <= i - window) {
                        scores[j] = Double.NEGATIVE_INFINITY;
                        continue;
                    }
                    double s = 0;
                    for (int d = 0; d < HEAD_DIM; d++) {
                        s += q[r][h * HEAD_DIM + d] * k[j][kvh * HEAD_DIM + d];
                    }
                    s *= scale;
                    if (softcap > 0) {
                        s = softcap * Math.tanh(s / softcap);
                    }
                    scores[j] = s;
                    max = Math.max(max, s);
                }
                double sum = 0;
                for (int j = 0; j <= i; j++) {
                    scores[j] = Math.exp(scores[j] - max);
                    sum += scores[j];
                }
                for (int d = 0; d < HEAD_DIM; d++) {
                    double acc = 0;
                    for (int j = 0; j <= i; j++) {
                        acc += scores[j] / sum * v[j][kvh * HEAD_DIM + d];
                    }
                    out[r][h * HEAD_DIM + d] = (float) acc;
                }
            }
        }
        return out;
    }

    /** {@code nodes} GQA nodes on the same q/k/v, node n using caches {@code freqs[n]}; outputs out0, out1, ... */
    private Path gqaModel(double[][] freqs, int window, float scale, float softcap) throws Exception {
        Graph g = new Graph("gqa");
        String q = g.input("q", ElemType.FLOAT, 1L, "s", (long) HEADS * HEAD_DIM);
        String k = g.input("k", ElemType.FLOAT, 1L, "s", (long) KV_HEADS * HEAD_DIM);
        String v = g.input("v", ElemType.FLOAT, 1L, "s", (long) KV_HEADS * HEAD_DIM);
        String pk = g.input("past_k", ElemType.FLOAT, 1L, (long) KV_HEADS, "p", (long) HEAD_DIM);
        String pv = g.input("past_v", ElemType.FLOAT, 1L, (long) KV_HEADS, "p", (long) HEAD_DIM);
        String seqlens = g.input("seqlens_k", ElemType.INT32, 1L);
        String total = g.input("total", ElemType.INT32);
        for (int n = 0; n < freqs.length; n++) {
            long[] dims = {POSITIONS, HEAD_DIM / 2};
            String cos = g.initializer("cos" + n, ElemType.FLOAT, dims,
                    TensorData.ofFloats(RotaryTables.cos(freqs[n], POSITIONS)));
            String sin = g.initializer("sin" + n, ElemType.FLOAT, dims,
                    TensorData.ofFloats(RotaryTables.sin(freqs[n], POSITIONS)));
            Graph.NodeBuilder gqa = g.msOp("GroupQueryAttention").in(q, k, v, pk, pv, seqlens, total, cos, sin)
                    .attr("num_heads", (long) HEADS).attr("kv_num_heads", (long) KV_HEADS)
                    .attr("do_rotary", 1L).attr("rotary_interleaved", 0L).attr("scale", scale);
            if (window > 0) {
                gqa.attr("local_window_size", (long) window);
            }
            if (softcap > 0) {
                gqa.attr("softcap", softcap);
            }
            gqa.out("out" + n, "present_k" + n, "present_v" + n).build();
            g.output("out" + n, ElemType.FLOAT, 1L, "s", (long) HEADS * HEAD_DIM);
        }
        Path model = dir.resolve("gqa" + freqs.length + "_" + window + ".onnx");
        new OnnxModelWriter().opset("", 21).opset(Graph.MS_DOMAIN, 1).write(g, model, false, null);
        return model;
    }

    /** Runs the model on new rows q/k/v after {@code pastK/pastV} cached rows; returns out0.. as [rows][width]. */
    private static float[][][] run(Path model, float[][] q, float[][] k, float[][] v, float[][] pastK,
                                   float[][] pastV, int nodes) throws Exception {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        int past = pastK.length;
        int total = past + q.length;
        Map<String, OnnxTensor> in = new LinkedHashMap<>();
        try (OrtSession session = env.createSession(model.toString(), new OrtSession.SessionOptions())) {
            in.put("q", tensor(env, q, 1, q.length, HEADS * HEAD_DIM));
            in.put("k", tensor(env, k, 1, k.length, KV_HEADS * HEAD_DIM));
            in.put("v", tensor(env, v, 1, v.length, KV_HEADS * HEAD_DIM));
            in.put("past_k", tensor(env, bnsh(pastK), 1, KV_HEADS, past, HEAD_DIM));
            in.put("past_v", tensor(env, bnsh(pastV), 1, KV_HEADS, past, HEAD_DIM));
            in.put("seqlens_k", OnnxTensor.createTensor(env, IntBuffer.wrap(new int[] {total - 1}), new long[] {1}));
            in.put("total", OnnxTensor.createTensor(env, IntBuffer.wrap(new int[] {total}), new long[0]));
            try (OrtSession.Result result = session.run(in)) {
                float[][][] outs = new float[nodes][][];
                for (int n = 0; n < nodes; n++) {
                    outs[n] = ((float[][][]) result.get("out" + n).orElseThrow().getValue())[0];
                }
                return outs;
            }
        } finally {
            in.values().forEach(OnnxTensor::close);
        }
    }

    /** Rows [position][kvHeads * headDim] as the BNSH cache layout [kvHeads][position][headDim], flattened. */
    private static float[][] bnsh(float[][] rows) {
        float[][] out = new float[KV_HEADS * rows.length][HEAD_DIM];
        for (int p = 0; p < rows.length; p++) {
            for (int h = 0; h < KV_HEADS; h++) {
                System.arraycopy(rows[p], h * HEAD_DIM, out[h * rows.length + p], 0, HEAD_DIM);
            }
        }
        return out;
    }

    private static OnnxTensor tensor(OrtEnvironment env, float[][] rows, long... shape) throws Exception {
        int width = rows.length == 0 ? 0 : rows[0].length;
        FloatBuffer buf = FloatBuffer.allocate(rows.length * width);
        for (float[] row : rows) {
            buf.put(row);
        }
        buf.flip();
        return OnnxTensor.createTensor(env, buf, shape);
    }

    private static float[][] randomRows(Random random, int rows, int width) {
        float[][] x = new float[rows][width];
        for (float[] row : x) {
            for (int i = 0; i < width; i++) {
                row[i] = (float) random.nextGaussian();
            }
        }
        return x;
    }

    private static double maxDiff(float[][] a, float[][] b) {
        double worst = 0;
        for (int r = 0; r < a.length; r++) {
            for (int i = 0; i < a[r].length; i++) {
                worst = Math.max(worst, Math.abs(a[r][i] - b[r][i]));
            }
        }
        return worst;
    }

    private static void assertClose(float[][] actual, float[][] expected) {
        assertThat(actual.length).isEqualTo(expected.length);
        assertThat(maxDiff(actual, expected)).isLessThan(1e-4);
    }
}
