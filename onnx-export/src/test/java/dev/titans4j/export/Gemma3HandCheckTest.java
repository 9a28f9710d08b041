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
import java.util.List;
import java.util.Random;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A one-layer Gemma 3 whose logits are derived by hand from modeling_gemma3.py, not from any model code.
 * Gemma3RMSNorm is {@code x * rsqrt(mean(x²) + eps) * (1 + w)}, so a q_norm weight of -1 zeroes every query head;
 * RoPE keeps it zero, every score is 0 and the softmax is uniform over the keys the mask leaves: the last
 * {@code sliding_window} positions (the query's own included) on a sliding layer, all on a full one. With v_proj =
 * o_proj = identity and down_proj = 0 (so post_feedforward_layernorm of a zero vector is zero):
 * <pre>
 *   x_t = embed[token_t] * sqrt(hidden)              (Gemma3TextScaledWordEmbedding)
 *   n_s = RMSNorm(x_s) * (1 + input_layernorm)
 *   h_t = x_t + RMSNorm(mean_{s visible from t} n_s) * (1 + post_attention_layernorm)   (sandwich norm)
 *   logits_t = c * tanh(lm_head · (RMSNorm(h_t) * (1 + norm)) / c)   (final_logit_softcapping c)
 * </pre>
 * An export that used w instead of 1 + w, normed after the residual add, skipped the embedding scale, the softcap
 * or had the window off by one misses these logits by far more than the bound.
 */
class Gemma3HandCheckTest {

    static final int HIDDEN = 16;
    static final int VOCAB = 64;
    static final int INTER = 8;
    static final int WINDOW = 3;
    static final double EPS = 1e-6;
    static final double CAP = 5.0;

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"sliding_attention", "full_attention"})
    void aMinusOneQueryNormMakesAttentionAnAverageOverTheWindow(String layerType) throws Exception {
        Path hf = TinyCheckpoint.of("Gemma3ForCausalLM").config("model_type", "gemma3_text").layers(1).hidden(HIDDEN)
                .heads(2).kvHeads(2).headDim(8).intermediate(INTER).vocab(VOCAB).rmsNormEps(EPS)
                .config("sliding_window", WINDOW).config("layer_types", List.of(layerType))
                .config("query_pre_attn_scalar", 8).config("final_logit_softcapping", CAP)
                .config("tie_word_embeddings", false).write(dir.resolve("hf"));
        Random random = new Random(7);
        float[] embed = gaussian(random, VOCAB * HIDDEN, 0.5);
        float[] inputNorm = gaussian(random, HIDDEN, 0.3);
        float[] postAttentionNorm = gaussian(random, HIDDEN, 0.3);
        float[] finalNorm = gaussian(random, HIDDEN, 0.3);
        float[] lmHead = gaussian(random, VOCAB * HIDDEN, 1);
        float[] minusOne = new float[8];
        java.util.Arrays.fill(minusOne, -1f);
        String p = "model.layers.0.";
        new SafetensorsWriter()
                .add("model.embed_tokens.weight", DType.F32, new long[] {VOCAB, HIDDEN}, embed)
                .add(p + "input_layernorm.weight", DType.F32, new long[] {HIDDEN}, inputNorm)
                .add(p + "self_attn.q_proj.weight", DType.F32, new long[] {HIDDEN, HIDDEN}, gaussian(random, 256, 1))
                .add(p + "self_attn.k_proj.weight", DType.F32, new long[] {HIDDEN, HIDDEN}, gaussian(random, 256, 1))
                .add(p + "self_attn.v_proj.weight", DType.F32, new long[] {HIDDEN, HIDDEN}, identity(HIDDEN))
                .add(p + "self_attn.o_proj.weight", DType.F32, new long[] {HIDDEN, HIDDEN}, identity(HIDDEN))
                .add(p + "self_attn.q_norm.weight", DType.F32, new long[] {8}, minusOne)
                .add(p + "self_attn.k_norm.weight", DType.F32, new long[] {8}, gaussian(random, 8, 0.3))
                .add(p + "post_attention_layernorm.weight", DType.F32, new long[] {HIDDEN}, postAttentionNorm)
                .add(p + "pre_feedforward_layernorm.weight", DType.F32, new long[] {HIDDEN},
                        gaussian(random, HIDDEN, 0.3))
                .add(p + "mlp.gate_proj.weight", DType.F32, new long[] {INTER, HIDDEN}, gaussian(random, 128, 1))
                .add(p + "mlp.up_proj.weight", DType.F32, new long[] {INTER, HIDDEN}, gaussian(random, 128, 1))
                .add(p + "mlp.down_proj.weight", DType.F32, new long[] {HIDDEN, INTER}, new float[HIDDEN * INTER])
                .add(p + "post_feedforward_layernorm.weight", DType.F32, new long[] {HIDDEN},
                        gaussian(random, HIDDEN, 0.3))
                .add("model.norm.weight", DType.F32, new long[] {HIDDEN}, finalNorm)
                .add("lm_head.weight", DType.F32, new long[] {VOCAB, HIDDEN}, lmHead)
                .write(hf.resolve("model.safetensors"));
        Path out = dir.resolve("onnx");
        OnnxExporter.builder().build().export(hf, out);

        int[] tokens = {3, 17, 42, 9, 60, 5, 33};
        float[][] actual;
        try (OrtDecoder decoder = new OrtDecoder(out, 16, 1)) {
            actual = decoder.feed(tokens, true);
        }
        boolean sliding = layerType.equals("sliding_attention");
        double[][] n = new double[tokens.length][];
        for (int t = 0; t < tokens.length; t++) {
            double[] x = row(embed, tokens[t], HIDDEN, (float) Math.sqrt(HIDDEN));
            n[t] = rmsNorm(x, inputNorm, 1f, EPS);
            int first = sliding ? Math.max(0, t - WINDOW + 1) : 0; // HF: key s visible iff t - W < s <= t
            double[] mean = new double[HIDDEN];
            for (int s = first; s <= t; s++) {
                for (int i = 0; i < HIDDEN; i++) {
                    mean[i] += n[s][i] / (t - first + 1);
                }
            }
            double[] attn = rmsNorm(mean, postAttentionNorm, 1f, EPS);
            double[] h = new double[HIDDEN];
            for (int i = 0; i < HIDDEN; i++) {
                h[i] = x[i] + attn[i];
            }
            double[] f = rmsNorm(h, finalNorm, 1f, EPS);
            for (int v = 0; v < VOCAB; v++) {
                double logit = 0;
                for (int i = 0; i < HIDDEN; i++) {
                    logit += lmHead[v * HIDDEN + i] * f[i];
                }
                assertThat((double) actual[t][v]).as("position %d token %d", t, v)
                        .isCloseTo(CAP * Math.tanh(logit / CAP), Offset.offset(1e-4));
            }
        }
    }
}
