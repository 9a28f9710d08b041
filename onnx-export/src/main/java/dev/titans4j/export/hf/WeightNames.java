package dev.titans4j.export.hf;

/** Hugging Face weight names of the Llama-family decoder ({@code model.layers.N.self_attn.q_proj.weight}, ...). */
public final class WeightNames {

    public static final String EMBED_TOKENS = "model.embed_tokens.weight";
    public static final String FINAL_NORM = "model.norm.weight";
    public static final String LM_HEAD = "lm_head.weight";
    /** Every per-layer weight name starts with this, then the layer index and a dot. */
    public static final String LAYER_PREFIX = "model.layers.";

    public static final String INPUT_LAYERNORM = "input_layernorm.weight";
    public static final String POST_ATTENTION_LAYERNORM = "post_attention_layernorm.weight";
    public static final String Q_PROJ = "self_attn.q_proj";
    public static final String K_PROJ = "self_attn.k_proj";
    public static final String V_PROJ = "self_attn.v_proj";
    public static final String O_PROJ = "self_attn.o_proj";
    public static final String GATE_PROJ = "mlp.gate_proj";
    public static final String UP_PROJ = "mlp.up_proj";
    public static final String DOWN_PROJ = "mlp.down_proj";

    private WeightNames() {
    }

    /** {@code model.layers.<layer>.<suffix>}, e.g. {@code layer(3, INPUT_LAYERNORM)}. */
    public static String layer(int layer, String suffix) {
        return LAYER_PREFIX + layer + "." + suffix;
    }

    /** Weight of a projection, e.g. {@code weight(0, Q_PROJ)} = {@code model.layers.0.self_attn.q_proj.weight}. */
    public static String weight(int layer, String projection) {
        return layer(layer, projection + ".weight");
    }

    /** Bias of a projection. */
    public static String bias(int layer, String projection) {
        return layer(layer, projection + ".bias");
    }
}
