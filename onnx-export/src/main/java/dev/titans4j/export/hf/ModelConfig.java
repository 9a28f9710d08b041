package dev.titans4j.export.hf;

import dev.titans4j.export.manifest.ModelManifest;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What the exporter needs from a Hugging Face model folder's {@code config.json}, {@code generation_config.json} and
 * {@code tokenizer_config.json}, with the defaults of the architecture's transformers config class applied (each
 * {@link FamilySpec} declares them). Grouped into small records by the part of the model they describe.
 *
 * @param family     the architecture ({@code architectures[0]}) and its export rules
 * @param modelType  {@code model_type}
 * @param chat       the chat template (null for base models), special token texts and default system prompt
 * @param generation the sampling defaults of {@code generation_config.json}
 */
public record ModelConfig(
        FamilySpec family,
        String modelType,
        Dimensions dims,
        Attention attention,
        Rope rope,
        Norms norms,
        Mlp mlp,
        Embedding embedding,
        Tokens tokens,
        ModelManifest.Chat chat,
        ModelManifest.Generation generation) {

    public ModelConfig {
        Objects.requireNonNull(family, "family");
        Objects.requireNonNull(dims, "dims");
        Objects.requireNonNull(attention, "attention");
        Objects.requireNonNull(rope, "rope");
        Objects.requireNonNull(norms, "norms");
        Objects.requireNonNull(mlp, "mlp");
        Objects.requireNonNull(embedding, "embedding");
        Objects.requireNonNull(tokens, "tokens");
        Objects.requireNonNull(chat, "chat");
        Objects.requireNonNull(generation, "generation");
        if (attention.layers().size() != dims.numLayers()) {
            throw new IllegalArgumentException("attention plan has " + attention.layers().size() + " layers, config "
                    + dims.numLayers());
        }
    }

    /** Reads the configuration files of {@code hfDir}; every problem is a {@link ModelConfigException}. */
    public static ModelConfig load(Path hfDir) throws IOException {
        return ModelConfigReader.read(hfDir);
    }

    /** The class name of {@code config.json}'s {@code architectures}, e.g. {@code LlamaForCausalLM}. */
    public String architecture() {
        return family.className();
    }

    /** The Jinja chat template, or null (base models). */
    public String chatTemplate() {
        return chat.template();
    }

    /**
     * Every weight the model uses, by Hugging Face name, with its shape ([out, in] for linear layers), in a stable
     * order: embeddings, then each layer, then the final norm and (when not tied) the LM head.
     */
    public Map<String, long[]> expectedTensors() {
        return family.expectedTensors(this);
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

    /** Sizes. {@code headDim} is {@code head_dim}, by default {@code hiddenSize / numHeads}. */
    public record Dimensions(int hiddenSize, int intermediateSize, int numLayers, int numHeads, int numKvHeads,
            int headDim, int vocabSize, int maxPositionEmbeddings) {

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
    }

    /**
     * Self-attention.
     *
     * @param qkvBias       whether q/k/v projections have biases
     * @param outputBias    whether o_proj has a bias
     * @param qkNorm        per-head RMSNorm of queries and keys over head_dim, before RoPE (Qwen3, Gemma 3)
     * @param slidingWindow window of the sliding layers (key j visible from query i iff {@code i - j < window}),
     *                      or null when no layer slides
     * @param layers        one entry per layer: its window and rotary table
     * @param scale         softmax scale, or null for {@code 1/sqrt(head_dim)}
     * @param softcap       attention logit softcapping ({@code cap * tanh(s / cap)}), or null for none
     */
    public record Attention(boolean qkvBias, boolean outputBias, boolean qkNorm, Integer slidingWindow,
            List<LayerAttention> layers, Double scale, Double softcap) {

        public Attention {
            // not copied: a view computed per layer, so an absurd num_hidden_layers costs nothing before the
            // checkpoint check rejects it
            layers = java.util.Collections.unmodifiableList(layers);
        }

        /** The same attention kind for every layer: full, or sliding when {@code slidingWindow} is set. */
        public static List<LayerAttention> uniform(int numLayers, Integer slidingWindow) {
            return java.util.Collections.nCopies(numLayers, new LayerAttention(slidingWindow, RopeKind.GLOBAL));
        }

        /** Each layer's attention computed on demand from its index. */
        public static List<LayerAttention> perLayer(int numLayers,
                                                    java.util.function.IntFunction<LayerAttention> layer) {
            return new java.util.AbstractList<>() {
                @Override
                public LayerAttention get(int index) {
                    return layer.apply(java.util.Objects.checkIndex(index, numLayers));
                }

                @Override
                public int size() {
                    return numLayers;
                }
            };
        }
    }

    /** One layer's attention: its window (null: full causal attention) and which rotary table it uses. */
    public record LayerAttention(Integer window, RopeKind rope) {
        public LayerAttention {
            Objects.requireNonNull(rope, "rope");
        }
    }

    /** The rotary table a layer uses: the global one, the sliding layers' own one (Gemma 3), or none (SmolLM3). */
    public enum RopeKind {
        GLOBAL, LOCAL, NONE
    }

    /**
     * Rotary embeddings. {@code rotaryDim} is the number of leading dimensions of each head that rotate (head_dim
     * unless a partial rotary factor is set); {@code local} is the sliding layers' table, or null when they share
     * {@code global}.
     */
    public record Rope(int rotaryDim, RopeTable global, RopeTable local) {

        public Rope {
            Objects.requireNonNull(global, "global");
        }

        public RopeTable table(RopeKind kind) {
            return switch (kind) {
                case GLOBAL -> global;
                case LOCAL -> local != null ? local : global;
                case NONE -> throw new IllegalArgumentException("a layer without RoPE has no table");
            };
        }

        /**
         * RoPE inverse frequencies {@code 1/theta^(2i/rotaryDim)} for {@code i < rotaryDim/2}, with the table's
         * scaling. Position p rotates pair (x[i], x[i + rotaryDim/2]) by angle {@code p * freq[i]} (rotate_half).
         */
        public double[] inverseFrequencies(RopeKind kind) {
            return table(kind).inverseFrequencies(rotaryDim);
        }
    }

    /**
     * {@code rope_theta} and its {@code rope_scaling} ({@code null}: plain RoPE), or a {@code longRope} (Phi-3) whose
     * frequencies depend on the sequence length (then {@code scaling} is null).
     */
    public record RopeTable(double theta, RopeScaling scaling, LongRope longRope) {

        public RopeTable(double theta, RopeScaling scaling) {
            this(theta, scaling, null);
        }

        /** The inverse frequencies; for a longrope table, the short ones (see {@link LongRope}). */
        public double[] inverseFrequencies(int rotaryDim) {
            if (longRope != null) {
                return longRope.inverseFrequencies(theta, rotaryDim, false);
            }
            double[] freqs = new double[rotaryDim / 2];
            for (int i = 0; i < freqs.length; i++) {
                freqs[i] = 1.0 / Math.pow(theta, (2.0 * i) / rotaryDim);
            }
            return scaling == null ? freqs : scaling.apply(freqs);
        }
    }

    /**
     * RMSNorms. {@code weightOffset} is added to every norm weight at export, in float32 (Gemma's {@code 1 + w});
     * {@code placement} says where each layer's norms sit.
     */
    public record Norms(double eps, NormPlacement placement, float weightOffset) {
    }

    /** Where a decoder layer's norms sit. */
    public enum NormPlacement {
        /** Llama: input norm before attention, post-attention norm before the MLP, residual adds after each. */
        PRE,
        /** Gemma 2/3: PRE plus a norm on each sublayer's output before its residual add (four per layer). */
        SANDWICH
    }

    /** The gated MLP {@code down(act(gate(x)) * up(x))}; {@code hiddenAct} is config.json's name of act. */
    public record Mlp(String hiddenAct, Activation activation) {
    }

    /** The MLP's gate activation. */
    public enum Activation {
        /** {@code x * sigmoid(x)} (SwiGLU). */
        SILU,
        /** transformers' {@code gelu_pytorch_tanh} (GeGLU with the tanh approximation). */
        GELU_TANH
    }

    /**
     * Word embeddings and LM head.
     *
     * @param tied              {@code tie_word_embeddings}
     * @param inputScale        multiplier of the looked-up embeddings (Gemma: sqrt(hidden)), before rounding to the
     *                          checkpoint's dtype as transformers does; null for none
     * @param finalLogitSoftcap {@code cap * tanh(logits / cap)} on the LM head output, or null for none
     */
    public record Embedding(boolean tied, Double inputScale, Double finalLogitSoftcap) {
    }

    /**
     * Special tokens: BOS, EOS (config.json's and generation_config.json's, in order, no repeats) and PAD ids, and
     * whether the tokenizer prepends BOS.
     */
    public record Tokens(Integer bosTokenId, List<Integer> eosTokenIds, Integer padTokenId, boolean addBosToken) {
        public Tokens {
            eosTokenIds = List.copyOf(eosTokenIds);
        }
    }
}
