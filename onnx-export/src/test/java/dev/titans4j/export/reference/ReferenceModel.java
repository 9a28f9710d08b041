package dev.titans4j.export.reference;

import com.fasterxml.jackson.databind.JsonNode;
import dev.titans4j.export.safetensors.Checkpoint;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * An independent forward pass of the Llama-family decoder in double precision, transcribed from transformers'
 * {@code modeling_llama.py}, {@code modeling_mistral.py} and {@code modeling_qwen2.py} (eager attention path):
 * embedding lookup, RMSNorm, q/k/v projections (+ bias), rotary embeddings with {@code rotate_half} (llama3
 * frequency scaling included), {@code repeat_kv} for grouped-query attention, causal (optionally sliding-window)
 * softmax attention, o_proj, residuals, SwiGLU MLP, final norm and LM head.
 *
 * <p>It is the yardstick for the exported ONNX graphs, so it favours the shape of the Python code over speed: no KV
 * cache, every call recomputes all positions. Weights are read through {@link Checkpoint}, which is tested on its own
 * (round trips, and this model reproducing llama2.c's logits for stories260K).
 */
public final class ReferenceModel {

    private static final String EMBED_TOKENS = "model.embed_tokens.weight";
    private static final String LM_HEAD = "lm_head.weight";

    private final ReferenceConfig config;
    private final Map<String, double[][]> matrices;
    private final Map<String, double[]> vectors;
    private final double[] inverseFrequencies;

    private ReferenceModel(ReferenceConfig config, Map<String, double[][]> matrices, Map<String, double[]> vectors) {
        this.config = config;
        this.matrices = matrices;
        this.vectors = vectors;
        this.inverseFrequencies = inverseFrequencies(config);
    }

    /**
     * Loads config.json and the weights of a Hugging Face folder that stores its word embeddings the usual way:
     * {@code model.embed_tokens.weight}, and {@code lm_head.weight} unless config.json ties them.
     */
    public static ReferenceModel load(Path hfDir) throws IOException {
        boolean tied = ReferenceConfig.read(hfDir).tied();
        return load(hfDir, EMBED_TOKENS, tied ? EMBED_TOKENS : LM_HEAD);
    }

    /**
     * Loads a folder with the stored tensors {@code embeddingTensor} as the token embedding and {@code headTensor}
     * as the LM head, named by the caller (this yardstick has no tying rules of its own).
     */
    public static ReferenceModel load(Path hfDir, String embeddingTensor, String headTensor) throws IOException {
        ReferenceConfig config = ReferenceConfig.read(hfDir);
        Map<String, double[][]> matrices = new HashMap<>();
        Map<String, double[]> vectors = new HashMap<>();
        try (Checkpoint checkpoint = Checkpoint.open(hfDir)) {
            for (String name : checkpoint.names()) {
                float[] values = checkpoint.floats(name);
                long[] shape = checkpoint.info(name).shape();
                if (shape.length == 2) {
                    matrices.put(name, toMatrix(values, (int) shape[0], (int) shape[1]));
                } else {
                    vectors.put(name, toDoubles(values));
                }
            }
        }
        double[][] embedding = required(matrices, embeddingTensor, hfDir);
        double[][] head = required(matrices, headTensor, hfDir);
        matrices.put(EMBED_TOKENS, embedding);
        matrices.put(LM_HEAD, head);
        return new ReferenceModel(config, matrices, vectors);
    }

    private static double[][] required(Map<String, double[][]> matrices, String name, Path hfDir) {
        double[][] matrix = matrices.get(name);
        if (matrix == null) {
            throw new IllegalArgumentException(hfDir + ": no 2-D tensor '" + name + "'");
        }
        return matrix;
    }

    /**
     * A copy of this model with one 2-D weight replaced (e.g. an MLP matrix rebuilt as U·diag(s·z)·Vᵀ for the SVF
     * test). With tied embeddings, replacing {@code lm_head.weight} changes only the head.
     */
    public ReferenceModel withWeight(String hfName, double[][] weight) {
        double[][] current = matrix(hfName);
        if (weight.length != current.length || weight[0].length != current[0].length) {
            throw new IllegalArgumentException(hfName + ": shape [" + weight.length + ", " + weight[0].length
                    + "] differs from [" + current.length + ", " + current[0].length + "]");
        }
        Map<String, double[][]> replaced = new HashMap<>(matrices);
        replaced.put(hfName, deepCopy(weight));
        return new ReferenceModel(config, replaced, vectors);
    }

    /** A copy of a 2-D weight ([out, in]). */
    public double[][] weight(String hfName) {
        return deepCopy(matrix(hfName));
    }

    /** The rotary inverse frequencies in use (after any llama3 scaling), for cross-checks. */
    double[] inverseFrequencies() {
        return inverseFrequencies.clone();
    }

    public int vocabSize() {
        return config.vocab();
    }

    /** Logits for every position: [tokens.length][vocab]. */
    public double[][] logits(int[] tokens) {
        double[][] hidden = hiddenStates(tokens);
        double[][] logits = new double[tokens.length][];
        for (int t = 0; t < tokens.length; t++) {
            logits[t] = linear(matrix(LM_HEAD), hidden[t], null);
        }
        return logits;
    }

    /** Final hidden states (after the final RMSNorm): [tokens.length][hidden]. */
    public double[][] hiddenStates(int[] tokens) {
        int n = tokens.length;
        double[][] h = new double[n][];
        double[][] embeddings = matrix(EMBED_TOKENS);
        for (int t = 0; t < n; t++) {
            if (tokens[t] < 0 || tokens[t] >= config.vocab()) {
                throw new IllegalArgumentException("token " + tokens[t] + " outside vocabulary " + config.vocab());
            }
            h[t] = embeddings[tokens[t]].clone();
        }
        for (int layer = 0; layer < config.layers(); layer++) {
            String p = "model.layers." + layer + ".";
            double[][] attention = attention(p, rmsNormAll(h, vector(p + "input_layernorm.weight")));
            addInPlace(h, attention);
            double[][] mlp = mlp(p, rmsNormAll(h, vector(p + "post_attention_layernorm.weight")));
            addInPlace(h, mlp);
        }
        return rmsNormAll(h, vector("model.norm.weight"));
    }

    // --- attention -----------------------------------------------------------------------------------------

    private double[][] attention(String p, double[][] x) {
        int n = x.length;
        int d = config.headDim();
        double[][][] q = new double[n][][];
        double[][][] k = new double[n][][];
        double[][][] v = new double[n][][];
        for (int t = 0; t < n; t++) {
            q[t] = rope(split(project(p + "self_attn.q_proj", x[t], config.qkvBias()), config.heads()), t);
            k[t] = rope(split(project(p + "self_attn.k_proj", x[t], config.qkvBias()), config.kvHeads()), t);
            v[t] = split(project(p + "self_attn.v_proj", x[t], config.qkvBias()), config.kvHeads());
        }
        int groups = config.heads() / config.kvHeads(); // repeat_kv: query head h reads kv head h / groups
        double scaling = 1.0 / Math.sqrt(d);
        double[][] out = new double[n][];
        for (int i = 0; i < n; i++) {
            double[] concatenated = new double[config.heads() * d];
            for (int head = 0; head < config.heads(); head++) {
                int kvHead = head / groups;
                double[] scores = new double[i + 1];
                for (int j = 0; j <= i; j++) {
                    scores[j] = visible(i, j) ? dot(q[i][head], k[j][kvHead]) * scaling : Double.NEGATIVE_INFINITY;
                }
                double[] weights = softmax(scores);
                for (int j = 0; j <= i; j++) {
                    for (int c = 0; c < d; c++) {
                        concatenated[head * d + c] += weights[j] * v[j][kvHead][c];
                    }
                }
            }
            out[i] = project(p + "self_attn.o_proj", concatenated, config.oBias());
        }
        return out;
    }

    /** Causal mask plus transformers' sliding_window_overlay: key j is visible from query i iff i - j < window. */
    private boolean visible(int i, int j) {
        return j <= i && (config.slidingWindow() == ReferenceConfig.NO_WINDOW || j > i - config.slidingWindow());
    }

    /** apply_rotary_pos_emb: x * cos + rotate_half(x) * sin, with emb = cat(freqs, freqs). */
    private double[][] rope(double[][] heads, int position) {
        int d = config.headDim();
        double[] cos = new double[d];
        double[] sin = new double[d];
        for (int i = 0; i < d; i++) {
            double angle = position * inverseFrequencies[i % (d / 2)];
            cos[i] = Math.cos(angle);
            sin[i] = Math.sin(angle);
        }
        double[][] rotated = new double[heads.length][];
        for (int h = 0; h < heads.length; h++) {
            double[] x = heads[h];
            double[] half = rotateHalf(x);
            rotated[h] = new double[d];
            for (int i = 0; i < d; i++) {
                rotated[h][i] = x[i] * cos[i] + half[i] * sin[i];
            }
        }
        return rotated;
    }

    /** rotate_half: cat(-x2, x1) where x1, x2 are the first and second halves. */
    private static double[] rotateHalf(double[] x) {
        int half = x.length / 2;
        double[] out = new double[x.length];
        for (int i = 0; i < half; i++) {
            out[i] = -x[i + half];
            out[i + half] = x[i];
        }
        return out;
    }

    /**
     * inv_freq = 1 / theta^(arange(0, d, 2) / d), then for rope_type llama3 transformers'
     * _compute_llama3_parameters, written in the same torch.where form.
     */
    private static double[] inverseFrequencies(ReferenceConfig config) {
        int d = config.headDim();
        double[] invFreq = new double[d / 2];
        for (int i = 0; i < invFreq.length; i++) {
            invFreq[i] = 1.0 / Math.pow(config.theta(), (double) (2 * i) / d);
        }
        JsonNode s = config.ropeScaling();
        String type = s.isObject() ? s.path("rope_type").asText(s.path("type").asText("default")) : "default";
        if (type.equals("default")) {
            return invFreq;
        }
        if (!type.equals("llama3")) {
            throw new IllegalArgumentException("reference model does not implement rope type " + type);
        }
        double factor = s.get("factor").asDouble();
        double lowFreqFactor = s.get("low_freq_factor").asDouble();
        double highFreqFactor = s.get("high_freq_factor").asDouble();
        double oldContextLen = s.get("original_max_position_embeddings").asDouble();
        double lowFreqWavelen = oldContextLen / lowFreqFactor;
        double highFreqWavelen = oldContextLen / highFreqFactor;
        double[] result = new double[invFreq.length];
        for (int i = 0; i < invFreq.length; i++) {
            double wavelen = 2 * Math.PI / invFreq[i];
            double llama = wavelen > lowFreqWavelen ? invFreq[i] / factor : invFreq[i];
            double smoothFactor = (oldContextLen / wavelen - lowFreqFactor) / (highFreqFactor - lowFreqFactor);
            double smoothed = (1 - smoothFactor) * llama / factor + smoothFactor * llama;
            boolean isMediumFreq = !(wavelen < highFreqWavelen) && !(wavelen > lowFreqWavelen);
            result[i] = isMediumFreq ? smoothed : llama;
        }
        return result;
    }

    // --- MLP and norms -------------------------------------------------------------------------------------

    /** down_proj(act_fn(gate_proj(x)) * up_proj(x)) with act_fn = silu. */
    private double[][] mlp(String p, double[][] x) {
        double[][] out = new double[x.length][];
        for (int t = 0; t < x.length; t++) {
            double[] gate = linear(matrix(p + "mlp.gate_proj.weight"), x[t], null);
            double[] up = linear(matrix(p + "mlp.up_proj.weight"), x[t], null);
            double[] product = new double[gate.length];
            for (int i = 0; i < gate.length; i++) {
                product[i] = silu(gate[i]) * up[i];
            }
            out[t] = linear(matrix(p + "mlp.down_proj.weight"), product, null);
        }
        return out;
    }

    private static double silu(double x) {
        return x / (1 + Math.exp(-x));
    }

    /** LlamaRMSNorm: weight * x * rsqrt(mean(x²) + eps). */
    private double[][] rmsNormAll(double[][] h, double[] weight) {
        double[][] out = new double[h.length][];
        for (int t = 0; t < h.length; t++) {
            double meanSquare = 0;
            for (double x : h[t]) {
                meanSquare += x * x;
            }
            meanSquare /= h[t].length;
            double inverse = 1.0 / Math.sqrt(meanSquare + config.eps());
            out[t] = new double[h[t].length];
            for (int i = 0; i < h[t].length; i++) {
                out[t][i] = weight[i] * (h[t][i] * inverse);
            }
        }
        return out;
    }

    // --- linear algebra helpers ----------------------------------------------------------------------------

    private double[] project(String module, double[] x, boolean bias) {
        return linear(matrix(module + ".weight"), x, bias ? vector(module + ".bias") : null);
    }

    /** nn.Linear: y = W x + b with W stored [out, in]. */
    private static double[] linear(double[][] w, double[] x, double[] b) {
        double[] y = new double[w.length];
        for (int o = 0; o < w.length; o++) {
            y[o] = dot(w[o], x) + (b == null ? 0 : b[o]);
        }
        return y;
    }

    private double[][] split(double[] x, int heads) {
        int d = config.headDim();
        double[][] out = new double[heads][d];
        for (int h = 0; h < heads; h++) {
            System.arraycopy(x, h * d, out[h], 0, d);
        }
        return out;
    }

    private static double[] softmax(double[] scores) {
        double max = Double.NEGATIVE_INFINITY;
        for (double s : scores) {
            max = Math.max(max, s);
        }
        double[] out = new double[scores.length];
        double sum = 0;
        for (int i = 0; i < scores.length; i++) {
            out[i] = Math.exp(scores[i] - max);
            sum += out[i];
        }
        for (int i = 0; i < out.length; i++) {
            out[i] /= sum;
        }
        return out;
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    private static void addInPlace(double[][] h, double[][] delta) {
        for (int t = 0; t < h.length; t++) {
            for (int i = 0; i < h[t].length; i++) {
                h[t][i] += delta[t][i];
            }
        }
    }

    private double[][] matrix(String name) {
        double[][] m = matrices.get(name);
        if (m == null) {
            throw new IllegalArgumentException("reference model has no 2-D weight '" + name + "'");
        }
        return m;
    }

    private double[] vector(String name) {
        double[] v = vectors.get(name);
        if (v == null) {
            throw new IllegalArgumentException("reference model has no 1-D weight '" + name + "'");
        }
        return v;
    }

    private static double[][] toMatrix(float[] values, int rows, int cols) {
        double[][] m = new double[rows][cols];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                m[r][c] = values[r * cols + c];
            }
        }
        return m;
    }

    private static double[] toDoubles(float[] values) {
        double[] out = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = values[i];
        }
        return out;
    }

    private static double[][] deepCopy(double[][] m) {
        double[][] copy = new double[m.length][];
        for (int i = 0; i < m.length; i++) {
            copy[i] = m[i].clone();
        }
        return copy;
    }
}
