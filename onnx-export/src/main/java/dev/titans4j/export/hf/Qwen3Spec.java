package dev.titans4j.export.hf;

import dev.titans4j.export.hf.ModelConfig.Attention;
import dev.titans4j.export.hf.ModelConfig.Dimensions;
import dev.titans4j.export.hf.ModelConfig.LayerAttention;
import dev.titans4j.export.hf.ModelConfig.RopeKind;
import java.util.List;
import java.util.function.IntPredicate;

/**
 * {@code Qwen3ForCausalLM} (transformers' Qwen3Config and modeling_qwen3): per-head RMSNorm of queries and keys over
 * head_dim before RoPE ({@code q_norm}, {@code k_norm}, eps {@code rms_norm_eps}); {@code head_dim} defaults to 128,
 * not hidden / heads; {@code attention_bias} (default false) switches q/k/v/o biases. Sliding windows only where
 * the config enables them: {@code sliding_window} counts only with {@code use_sliding_window}, and unless
 * {@code layer_types} lists the layers, layers {@code >= max_window_layers} (default 28) slide.
 */
final class Qwen3Spec extends FamilySpec {

    /** Qwen3Config's {@code sliding_window} when the key is absent. */
    static final int DEFAULT_SLIDING_WINDOW = 4096;
    /** Qwen3Config's {@code max_window_layers} when the key is absent. */
    static final int DEFAULT_MAX_WINDOW_LAYERS = 28;

    @Override
    public String className() {
        return "Qwen3ForCausalLM";
    }

    @Override
    public String modelType() {
        return "qwen3";
    }

    @Override
    protected int defaultKvHeads(int heads) {
        return 32;
    }

    @Override
    protected Integer defaultHeadDim() {
        return 128;
    }

    @Override
    protected int defaultMaxPositions() {
        return 32768;
    }

    @Override
    protected boolean defaultAddBosToken() {
        return false;
    }

    @Override
    protected Integer defaultBosTokenId() {
        return null;
    }

    @Override
    protected List<Integer> defaultEosTokenIds() {
        return List.of();
    }

    @Override
    Attention attention(JsonFile config, Dimensions dims) throws ModelConfigException {
        boolean bias = config.optionalBoolean("attention_bias", false);
        Integer window = null;
        if (config.optionalBoolean("use_sliding_window", false)) {
            window = config.node("sliding_window").isMissingNode() ? DEFAULT_SLIDING_WINDOW
                    : config.has("sliding_window") ? config.positiveInt("sliding_window") : null;
        }
        int maxWindowLayers = config.optionalInt("max_window_layers", DEFAULT_MAX_WINDOW_LAYERS);
        Integer w = window;
        IntPredicate sliding = LayerTypes.sliding(config, dims.numLayers(), i -> w != null && i >= maxWindowLayers);
        boolean derived = !config.has("layer_types");
        int first = derived ? (window != null && maxWindowLayers < dims.numLayers() ? Math.max(0, maxWindowLayers)
                : -1) : LayerTypes.firstSliding(sliding, dims.numLayers());
        if (first >= 0 && window == null) {
            throw config.error("layer_types", "marks layer " + first + " sliding_attention, but sliding_window is"
                    + " not in effect (use_sliding_window false or sliding_window null): transformers has no window"
                    + " for it");
        }
        List<LayerAttention> layers = Attention.perLayer(dims.numLayers(),
                i -> new LayerAttention(sliding.test(i) ? w : null, RopeKind.GLOBAL));
        return new Attention(bias, bias, true, first >= 0 ? window : null, layers, null, null);
    }
}
