package dev.titans4j.export;

import static dev.titans4j.export.HandArithmetic.gaussian;
import static dev.titans4j.export.HandArithmetic.identity;
import static dev.titans4j.export.HandArithmetic.rmsNorm;
import static dev.titans4j.export.HandArithmetic.row;
import static org.assertj.core.api.Assertions.assertThat;

import dev.titans4j.export.safetensors.DType;
import dev.titans4j.export.safetensors.SafetensorsWriter;
import dev.titans4j.export.testing.TinyCheckpoint;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A Qwen3 layer whose output is derived by hand from modeling_qwen3.py rather than from any model code: the q/k
 * norm is {@code weight * x / sqrt(mean(x²) + eps)} over each head ({@code Qwen3RMSNorm(head_dim)}), so a zero
 * q_norm or k_norm weight zeroes every query or key head, RoPE keeps them zero, every attention score is 0 and the
 * softmax is uniform over the visible positions. With v_proj = o_proj = identity and down_proj = 0 the model is
 * {@code h_t = x_t + mean_{s<=t} n_s}, {@code n_s = RMSNorm(x_s) * input_layernorm}, and the logits are
 * {@code lm_head · (RMSNorm(h_t) * norm)}. An export that skipped the q/k norm would give the random q/k projections
 * a say and miss this by whole units.
 */
class Qwen3QkNormHandCheckTest {

    static final int HIDDEN = 16;
    static final int VOCAB = 64;
    static final int INTER = 8;
    static final double EPS = 1e-6;

    @TempDir
    Path dir;

    @ParameterizedTest(name = "zero {0}")
    @ValueSource(strings = {"q_norm", "k_norm"})
    void aZeroQueryOrKeyNormMakesAttentionAPlainAverage(String zeroNorm) throws Exception {
        Path hf = TinyCheckpoint.of("Qwen3ForCausalLM").config("model_type", "qwen3").layers(1).hidden(HIDDEN)
                .heads(2).kvHeads(2).headDim(8).intermediate(INTER).vocab(VOCAB).rmsNormEps(EPS)
                .write(dir.resolve("hf"));
        Random random = new Random(5);
        float[] embed = gaussian(random, VOCAB * HIDDEN, 1);
        float[] inputNorm = around1(random, HIDDEN);
        float[] finalNorm = around1(random, HIDDEN);
        float[] lmHead = gaussian(random, VOCAB * HIDDEN, 1);
        float[] headNorm = around1(random, 8);
        String p = "model.layers.0.";
        new SafetensorsWriter()
                .add("model.embed_tokens.weight", DType.F32, new long[] {VOCAB, HIDDEN}, embed)
                .add(p + "input_layernorm.weight", DType.F32, new long[] {HIDDEN}, inputNorm)
                .add(p + "self_attn.q_proj.weight", DType.F32, new long[] {HIDDEN, HIDDEN}, gaussian(random, 256, 1))
                .add(p + "self_attn.k_proj.weight", DType.F32, new long[] {HIDDEN, HIDDEN}, gaussian(random, 256, 1))
                .add(p + "self_attn.v_proj.weight", DType.F32, new long[] {HIDDEN, HIDDEN}, identity(HIDDEN))
                .add(p + "self_attn.o_proj.weight", DType.F32, new long[] {HIDDEN, HIDDEN}, identity(HIDDEN))
                .add(p + "self_attn.q_norm.weight", DType.F32, new long[] {8},
                        zeroNorm.equals("q_norm") ? new float[8] : headNorm)
                .add(p + "self_attn.k_norm.weight", DType.F32, new long[] {8},
                        zeroNorm.equals("k_norm") ? new float[8] : headNorm)
                .add(p + "post_attention_layernorm.weight", DType.F32, new long[] {HIDDEN}, around1(random, HIDDEN))
                .add(p + "mlp.gate_proj.weight", DType.F32, new long[] {INTER, HIDDEN}, gaussian(random, 128, 1))
                .add(p + "mlp.up_proj.weight", DType.F32, new long[] {INTER, HIDDEN}, gaussian(random, 128, 1))
                .add(p + "mlp.down_proj.weight", DType.F32, new long[] {HIDDEN, INTER}, new float[HIDDEN * INTER])
                .add("model.norm.weight", DType.F32, new long[] {HIDDEN}, finalNorm)
                .add("lm_head.weight", DType.F32, new long[] {VOCAB, HIDDEN}, lmHead)
                .write(hf.resolve("model.safetensors"));
        Path out = dir.resolve("onnx");
        OnnxExporter.builder().build().export(hf, out);

        int[] tokens = {3, 17, 42, 9, 60, 5};
        float[][] actual;
        try (OrtDecoder decoder = new OrtDecoder(out, 16, 1)) {
            actual = decoder.feed(tokens, true);
        }
        double[] sum = new double[HIDDEN];
        for (int t = 0; t < tokens.length; t++) {
            double[] x = row(embed, tokens[t], HIDDEN, 1f);
            double[] n = rmsNorm(x, inputNorm, 0f, EPS);
            double[] h = new double[HIDDEN];
            for (int i = 0; i < HIDDEN; i++) {
                sum[i] += n[i];
                h[i] = x[i] + sum[i] / (t + 1);
            }
            double[] f = rmsNorm(h, finalNorm, 0f, EPS);
            for (int v = 0; v < VOCAB; v++) {
                double logit = 0;
                for (int i = 0; i < HIDDEN; i++) {
                    logit += lmHead[v * HIDDEN + i] * f[i];
                }
                assertThat((double) actual[t][v]).as("position %d token %d", t, v)
                        .isCloseTo(logit, org.assertj.core.data.Offset.offset(1e-4));
            }
        }
    }

    private static float[] around1(Random random, int n) {
        float[] v = gaussian(random, n, 0.1);
        for (int i = 0; i < n; i++) {
            v[i] += 1;
        }
        return v;
    }
}
