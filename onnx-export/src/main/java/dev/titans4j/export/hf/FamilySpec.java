package dev.titans4j.export.hf;

import dev.titans4j.export.hf.ModelConfig.Attention;
import dev.titans4j.export.hf.ModelConfig.Dimensions;
import dev.titans4j.export.hf.ModelConfig.Embedding;
import dev.titans4j.export.hf.ModelConfig.LayerAttention;
import dev.titans4j.export.hf.ModelConfig.Mlp;
import dev.titans4j.export.hf.ModelConfig.NormPlacement;
import dev.titans4j.export.hf.ModelConfig.Norms;
import dev.titans4j.export.hf.ModelConfig.Rope;
import dev.titans4j.export.safetensors.DType;
import dev.titans4j.export.safetensors.HalfFloats;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything the exporter knows about one Hugging Face architecture, in one class per family (the way
 * onnxruntime-genai's model builder has a class per family): the defaults of its transformers config class and how
 * config.json maps onto {@link ModelConfig} (config hooks), the names and shapes of its weights (weight hooks), and
 * what {@code DecoderGraphBuilder} asks it while building the graph (graph hooks). The defaults describe the Llama
 * decoder; a family overrides what differs. Adding a family means one subclass, registered in {@link Families}.
 *
 * <p>Config hooks are called by {@link ModelConfigReader} in this order: {@link #dimensions}, {@link #attention},
 * {@link #rope}, {@link #norms}, {@link #mlp}, {@link #embedding}, then the token defaults.
 */
public abstract class FamilySpec {

    /** The class name of {@code config.json}'s {@code architectures}, e.g. {@code LlamaForCausalLM}. */
    public abstract String className();

    /** The {@code model_type} transformers writes for this class. */
    public abstract String modelType();

    @Override
    public String toString() {
        return className();
    }

    // ---- config hooks: transformers' defaults and how config.json maps onto ModelConfig ----

    /** num_key_value_heads when absent (LlamaConfig: the query heads). */
    protected int defaultKvHeads(int heads) {
        return heads;
    }

    /** head_dim when absent, or null to derive it as hidden_size / num_attention_heads (LlamaConfig). */
    protected Integer defaultHeadDim() {
        return null;
    }

    /** rope_theta when neither rope_theta nor rope_parameters sets it (transformers' {@code default_theta}). */
    protected double defaultRopeTheta() {
        return 10000.0;
    }

    /** max_position_embeddings when absent. */
    protected abstract int defaultMaxPositions();

    /** rms_norm_eps when absent. */
    protected double defaultRmsNormEps() {
        return 1e-6;
    }

    /** add_bos_token of tokenizer_config.json when absent. */
    protected boolean defaultAddBosToken() {
        return true;
    }

    /** BOS id when neither config.json nor generation_config.json sets one (LlamaConfig: 1). */
    protected Integer defaultBosTokenId() {
        return 1;
    }

    /** PAD id when neither file has the key (LlamaConfig: none). */
    protected Integer defaultPadTokenId() {
        return null;
    }

    /** EOS ids when neither file sets one (LlamaConfig: 2). */
    protected List<Integer> defaultEosTokenIds() {
        return List.of(2);
    }

    Dimensions dimensions(JsonFile config) throws ModelConfigException {
        int hidden = config.positiveInt("hidden_size");
        int intermediate = config.positiveInt("intermediate_size");
        int layers = config.positiveInt("num_hidden_layers");
        int heads = config.positiveInt("num_attention_heads");
        int kvHeads = config.positiveInt("num_key_value_heads", defaultKvHeads(heads));
        int vocab = config.positiveInt("vocab_size");
        if (heads % kvHeads != 0) {
            throw config.error("num_attention_heads", "(" + heads + ") is not a multiple of num_key_value_heads ("
                    + kvHeads + ")");
        }
        int headDim = headDim(config, hidden, heads, defaultHeadDim());
        int maxPositions = config.positiveInt("max_position_embeddings", defaultMaxPositions());
        return new Dimensions(hidden, intermediate, layers, heads, kvHeads, headDim, vocab, maxPositions);
    }

    private static int headDim(JsonFile config, int hidden, int heads, Integer defaultHeadDim)
            throws ModelConfigException {
        int headDim;
        if (config.has("head_dim")) {
            headDim = config.positiveInt("head_dim");
        } else if (defaultHeadDim != null) {
            headDim = defaultHeadDim;
        } else if (hidden % heads != 0) {
            throw config.error("hidden_size", "(" + hidden + ") is not a multiple of num_attention_heads ("
                    + heads + ") and no head_dim is given");
        } else {
            headDim = hidden / heads;
        }
        if (headDim % 2 != 0) {
            throw config.error("head_dim", "must be even for rotary embeddings, found " + headDim);
        }
        return headDim;
    }

    /** Biases, q/k norm and each layer's attention kind. Default: no biases, full attention, global RoPE. */
    Attention attention(JsonFile config, Dimensions dims) throws ModelConfigException {
        return new Attention(false, false, false, null, Attention.uniform(dims.numLayers(), null), null, null);
    }

    /** Default: rope_theta/rope_scaling (or rope_parameters) over the whole head. */
    Rope rope(JsonFile config, Dimensions dims) throws ModelConfigException {
        return new Rope(dims.headDim(), RopeSettings.read(config, defaultRopeTheta()).table(), null);
    }

    /** Default: rms_norm_eps, pre-norm layers, weights used as stored. */
    Norms norms(JsonFile config) throws ModelConfigException {
        double eps = config.optionalDouble("rms_norm_eps", defaultRmsNormEps());
        if (!(eps > 0)) {
            throw config.error("rms_norm_eps", "must be positive, found " + eps);
        }
        return new Norms(eps, NormPlacement.PRE, 0f);
    }

    /** Default: SwiGLU, {@code hidden_act} silu only. */
    Mlp mlp(JsonFile config) throws ModelConfigException {
        return swiGlu(config);
    }

    /** SwiGLU: {@code hidden_act} silu (the default), anything else rejected. */
    static Mlp swiGlu(JsonFile config) throws ModelConfigException {
        String act = config.optionalString("hidden_act", "silu");
        if (!act.equals("silu")) {
            throw config.error("hidden_act", "is '" + act + "'; only silu (SwiGLU) is supported");
        }
        return new Mlp(act, ModelConfig.Activation.SILU);
    }

    /** {@link #swiGlu} for configs with an {@code mlp_bias} switch (LlamaConfig, SmolLM3Config): true is rejected. */
    static Mlp swiGluWithoutBias(JsonFile config) throws ModelConfigException {
        Mlp mlp = swiGlu(config);
        if (config.optionalBoolean("mlp_bias", false)) {
            throw config.error("mlp_bias", "is true; MLP biases are not supported");
        }
        return mlp;
    }

    /** Default: {@code tie_word_embeddings} (false when absent), no scaling, no softcapping. */
    Embedding embedding(JsonFile config, Dimensions dims) throws ModelConfigException {
        return new Embedding(config.optionalBoolean("tie_word_embeddings", false), null, null);
    }

    // ---- weight hooks: names and shapes ----

    /** Where a layer's linear weight lives: a whole tensor, or a block of rows of a fused one. */
    public WeightRef linear(ModelConfig c, int layer, Linear which) {
        return WeightRef.whole(WeightNames.weight(layer, which.llamaName), which.rows(c.dims()));
    }

    /** The name of a linear layer's bias, or null when it has none. Fused biases are sliced like their weights. */
    public WeightRef linearBias(ModelConfig c, int layer, Linear which) {
        boolean has = switch (which) {
            case Q, K, V -> c.attention().qkvBias();
            case O -> c.attention().outputBias();
            default -> false;
        };
        return has ? WeightRef.whole(WeightNames.bias(layer, which.llamaName), which.rows(c.dims())) : null;
    }

    /** The name of a layer's norm weight. */
    public String norm(int layer, Norm which) {
        return WeightNames.layer(layer, switch (which) {
            case ATTENTION_INPUT -> WeightNames.INPUT_LAYERNORM;
            case MLP_INPUT -> WeightNames.POST_ATTENTION_LAYERNORM;
            case MLP_OUTPUT -> "post_feedforward_layernorm.weight";
            case QUERY -> "self_attn.q_norm.weight";
            case KEY -> "self_attn.k_norm.weight";
            // Llama's post_attention_layernorm is the MLP's input norm: a SANDWICH family names this one itself
            case ATTENTION_OUTPUT -> throw new IllegalStateException(className() + " names no attention output norm");
        });
    }

    /** The norms a layer has, in checkpoint order. */
    public List<Norm> layerNorms(ModelConfig c) {
        boolean sandwich = c.norms().placement() == NormPlacement.SANDWICH;
        boolean qk = c.attention().qkNorm();
        List<Norm> norms = new java.util.ArrayList<>(List.of(Norm.ATTENTION_INPUT));
        if (qk) {
            norms.addAll(List.of(Norm.QUERY, Norm.KEY));
        }
        if (sandwich) {
            norms.add(Norm.ATTENTION_OUTPUT);
        }
        norms.add(Norm.MLP_INPUT);
        if (sandwich) {
            norms.add(Norm.MLP_OUTPUT);
        }
        return norms;
    }

    /**
     * Every weight, by name, with its shape, in a stable order: embeddings, each layer (input norm, attention, its
     * norms, MLP), final norm, and (when not tied) the LM head. Fused tensors appear once, with the summed rows.
     */
    public Map<String, long[]> expectedTensors(ModelConfig c) {
        Map<String, long[]> shapes = new LinkedHashMap<>();
        Dimensions d = c.dims();
        long hidden = d.hiddenSize();
        shapes.put(WeightNames.EMBED_TOKENS, new long[] {d.vocabSize(), hidden});
        List<Norm> norms = layerNorms(c);
        for (int layer = 0; layer < d.numLayers(); layer++) {
            shapes.put(norm(layer, Norm.ATTENTION_INPUT), new long[] {hidden});
            for (Linear l : List.of(Linear.Q, Linear.K, Linear.V)) {
                addRows(shapes, linear(c, layer, l), l.columns(d));
            }
            for (Linear l : List.of(Linear.Q, Linear.K, Linear.V)) {
                WeightRef bias = linearBias(c, layer, l);
                if (bias != null) {
                    addRows(shapes, bias, BIAS);
                }
            }
            addRows(shapes, linear(c, layer, Linear.O), Linear.O.columns(d));
            WeightRef oBias = linearBias(c, layer, Linear.O);
            if (oBias != null) {
                addRows(shapes, oBias, BIAS);
            }
            for (Norm n : norms) {
                if (n != Norm.ATTENTION_INPUT) {
                    long size = n == Norm.QUERY || n == Norm.KEY ? d.headDim() : hidden;
                    shapes.put(norm(layer, n), new long[] {size});
                }
            }
            for (Linear l : List.of(Linear.GATE, Linear.UP, Linear.DOWN)) {
                addRows(shapes, linear(c, layer, l), l.columns(d));
            }
        }
        shapes.put(WeightNames.FINAL_NORM, new long[] {hidden});
        if (!c.embedding().tied()) {
            shapes.put(WeightNames.LM_HEAD, new long[] {d.vocabSize(), hidden});
        }
        return shapes;
    }

    /** The {@code columns} of a bias for {@link #addRows}: it has one dimension. */
    private static final long BIAS = Long.MIN_VALUE;

    /** Adds a block of rows to its tensor's shape ({@code columns} {@link #BIAS}: a vector). */
    private static void addRows(Map<String, long[]> shapes, WeightRef ref, long columns) {
        long[] shape = shapes.get(ref.tensor());
        long rows = ref.firstRow() + ref.rows();
        if (shape == null) {
            shapes.put(ref.tensor(), columns == BIAS ? new long[] {rows} : new long[] {rows, columns});
        } else {
            shape[0] = Math.max(shape[0], rows);
        }
    }

    // ---- graph hooks: what DecoderGraphBuilder asks while building ----

    /** A norm weight as the graph uses it: with the family's weight offset folded in, in float32. */
    public float[] normWeight(ModelConfig c, float[] stored) {
        float offset = c.norms().weightOffset();
        if (offset != 0f) {
            for (int i = 0; i < stored.length; i++) {
                stored[i] = offset + stored[i];
            }
        }
        return stored;
    }

    /**
     * The multiplier of the looked-up embeddings, or null for none: {@link Embedding#inputScale()} rounded to the
     * dtype the embedding is stored in, as transformers computes {@code embed_scale.to(weight.dtype)}.
     */
    public Float embeddingScale(ModelConfig c, DType embeddingDtype) {
        Double scale = c.embedding().inputScale();
        if (scale == null) {
            return null;
        }
        float f = scale.floatValue();
        return switch (embeddingDtype) {
            case BF16 -> HalfFloats.bf16ToFloat(HalfFloats.floatToBf16(f));
            case F16 -> HalfFloats.halfToFloat(HalfFloats.floatToHalf(f));
            default -> f;
        };
    }

    /** A layer's attention kind: window and rotary table. */
    public LayerAttention layerAttention(ModelConfig c, int layer) {
        return c.attention().layers().get(layer);
    }

    /** The linear layers of a decoder layer, by role. */
    public enum Linear {
        Q(WeightNames.Q_PROJ), K(WeightNames.K_PROJ), V(WeightNames.V_PROJ), O(WeightNames.O_PROJ),
        GATE(WeightNames.GATE_PROJ), UP(WeightNames.UP_PROJ), DOWN(WeightNames.DOWN_PROJ);

        private final String llamaName;

        Linear(String llamaName) {
            this.llamaName = llamaName;
        }

        /** The Llama-layout name ({@code self_attn.q_proj}, ...). */
        public String llamaName() {
            return llamaName;
        }

        /** Output rows of this layer's weight [out, in] (long: absurd configs must not wrap into plausible sizes). */
        public long rows(Dimensions d) {
            return switch (this) {
                case Q -> (long) d.numHeads() * d.headDim();
                case K, V -> (long) d.numKvHeads() * d.headDim();
                case O, DOWN -> d.hiddenSize();
                case GATE, UP -> d.intermediateSize();
            };
        }

        /** Input columns of this layer's weight [out, in]. */
        public long columns(Dimensions d) {
            return switch (this) {
                case Q, K, V, GATE, UP -> d.hiddenSize();
                case O -> (long) d.numHeads() * d.headDim();
                case DOWN -> d.intermediateSize();
            };
        }
    }

    /** The norms of a decoder layer, by role (Llama's post_attention_layernorm is the MLP's input norm). */
    public enum Norm {
        ATTENTION_INPUT, MLP_INPUT, ATTENTION_OUTPUT, MLP_OUTPUT, QUERY, KEY
    }

    /** {@code rows} rows of tensor {@code tensor} from {@code firstRow} on (all of it when not fused). */
    public record WeightRef(String tensor, long firstRow, long rows) {

        public static WeightRef whole(String tensor, long rows) {
            return new WeightRef(tensor, 0, rows);
        }
    }
}
