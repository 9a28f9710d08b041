package dev.titans4j.export.hf;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What the exporter needs from a Hugging Face model folder's {@code config.json}, {@code generation_config.json} and
 * {@code tokenizer_config.json}, with transformers' defaults applied per architecture (see {@link ModelConfigReader}).
 *
 * @param architecture          first entry of {@code architectures}, one of {@link Architecture}
 * @param headDim               per-head size ({@code head_dim}, default {@code hiddenSize / numHeads})
 * @param ropeScaling           {@code llama3} frequency scaling, or {@code null} for plain RoPE
 * @param attentionBias         whether q/k/v projections have biases (Qwen2 always; Llama {@code attention_bias})
 * @param attentionOutputBias   whether o_proj has a bias (only Llama with {@code attention_bias})
 * @param mlpBias               always false: MLP biases are rejected when loading
 * @param slidingWindow         attention window (key j visible from query i iff {@code i - j < window}), or null
 * @param eosTokenIds           end-of-sequence ids from config.json and generation_config.json, in order, no repeats
 * @param addBosToken           whether the tokenizer prepends BOS
 * @param chatTemplate          the Jinja chat template, or null (base models)
 */
public record ModelConfig(
        String architecture,
        String modelType,
        int hiddenSize,
        int intermediateSize,
        int numLayers,
        int numHeads,
        int numKvHeads,
        int headDim,
        int vocabSize,
        double rmsNormEps,
        double ropeTheta,
        RopeScaling ropeScaling,
        boolean tieWordEmbeddings,
        boolean attentionBias,
        boolean attentionOutputBias,
        boolean mlpBias,
        Integer slidingWindow,
        int maxPositionEmbeddings,
        Integer bosTokenId,
        List<Integer> eosTokenIds,
        Integer padTokenId,
        String hiddenAct,
        boolean addBosToken,
        String chatTemplate) {

    public ModelConfig {
        Objects.requireNonNull(architecture, "architecture");
        eosTokenIds = List.copyOf(eosTokenIds);
    }

    /** Reads the configuration files of {@code hfDir}; every problem is a {@link ModelConfigException}. */
    public static ModelConfig load(Path hfDir) throws IOException {
        return ModelConfigReader.read(hfDir);
    }

    /** The architecture as an enum. */
    public Architecture family() {
        return Architecture.fromClassName(architecture).orElseThrow();
    }

    /** Query width: {@code numHeads * headDim}. */
    public int qDim() {
        return numHeads * headDim;
    }

    /** Key/value width: {@code numKvHeads * headDim}. */
    public int kvDim() {
        return numKvHeads * headDim;
    }

    /** Query heads per key/value head (1 = multi-head attention). */
    public int kvGroupSize() {
        return numHeads / numKvHeads;
    }

    /**
     * RoPE inverse frequencies {@code 1/theta^(2i/headDim)} for {@code i < headDim/2}, with the llama3 scaling when
     * configured. Position p rotates pair (x[i], x[i + headDim/2]) by angle {@code p * freq[i]} (rotate_half).
     */
    public double[] ropeInverseFrequencies() {
        double[] freqs = new double[headDim / 2];
        for (int i = 0; i < freqs.length; i++) {
            freqs[i] = 1.0 / Math.pow(ropeTheta, (2.0 * i) / headDim);
        }
        return ropeScaling == null ? freqs : ropeScaling.apply(freqs);
    }

    /**
     * Every weight the model uses, by Hugging Face name, with its shape ([out, in] for linear layers), in a stable
     * order: embeddings, then each layer, then the final norm and (when not tied) the LM head.
     */
    public Map<String, long[]> expectedTensors() {
        Map<String, long[]> shapes = new LinkedHashMap<>();
        long hidden = hiddenSize;
        long qDim = (long) numHeads * headDim; // in long: absurd config values must not wrap into plausible ones
        long kvDim = (long) numKvHeads * headDim;
        shapes.put(WeightNames.EMBED_TOKENS, new long[] {vocabSize, hidden});
        for (int layer = 0; layer < numLayers; layer++) {
            shapes.put(WeightNames.layer(layer, WeightNames.INPUT_LAYERNORM), new long[] {hidden});
            shapes.put(WeightNames.weight(layer, WeightNames.Q_PROJ), new long[] {qDim, hidden});
            shapes.put(WeightNames.weight(layer, WeightNames.K_PROJ), new long[] {kvDim, hidden});
            shapes.put(WeightNames.weight(layer, WeightNames.V_PROJ), new long[] {kvDim, hidden});
            if (attentionBias) {
                shapes.put(WeightNames.bias(layer, WeightNames.Q_PROJ), new long[] {qDim});
                shapes.put(WeightNames.bias(layer, WeightNames.K_PROJ), new long[] {kvDim});
                shapes.put(WeightNames.bias(layer, WeightNames.V_PROJ), new long[] {kvDim});
            }
            shapes.put(WeightNames.weight(layer, WeightNames.O_PROJ), new long[] {hidden, qDim});
            if (attentionOutputBias) {
                shapes.put(WeightNames.bias(layer, WeightNames.O_PROJ), new long[] {hidden});
            }
            shapes.put(WeightNames.layer(layer, WeightNames.POST_ATTENTION_LAYERNORM), new long[] {hidden});
            shapes.put(WeightNames.weight(layer, WeightNames.GATE_PROJ), new long[] {intermediateSize, hidden});
            shapes.put(WeightNames.weight(layer, WeightNames.UP_PROJ), new long[] {intermediateSize, hidden});
            shapes.put(WeightNames.weight(layer, WeightNames.DOWN_PROJ), new long[] {hidden, intermediateSize});
        }
        shapes.put(WeightNames.FINAL_NORM, new long[] {hidden});
        if (!tieWordEmbeddings) {
            shapes.put(WeightNames.LM_HEAD, new long[] {vocabSize, hidden});
        }
        return shapes;
    }

    /** Number of parameters the model uses (tied embeddings counted once). */
    public long parameterCount() {
        long count = 0;
        for (long[] shape : expectedTensors().values()) {
            long n = 1;
            for (long d : shape) {
                n *= d;
            }
            count += n;
        }
        return count;
    }
}
