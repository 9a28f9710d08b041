package dev.titans4j.export.hf;

import dev.titans4j.export.hf.ModelConfig.Attention;
import dev.titans4j.export.hf.ModelConfig.Dimensions;
import dev.titans4j.export.hf.ModelConfig.LayerAttention;
import dev.titans4j.export.hf.ModelConfig.RopeKind;
import java.util.List;

/**
 * {@code Qwen3ForCausalLM}: Qwen2's defaults (32 KV heads, 32768 positions, no BOS/EOS defaults, no BOS prepended)
 * with, per transformers' Qwen3Config and modeling_qwen3: per-head RMSNorm of queries and keys over head_dim before
 * RoPE ({@code q_norm}, {@code k_norm}, eps {@code rms_norm_eps}); {@code head_dim} defaults to 128,
 * not hidden / heads; {@code attention_bias} (default false) switches q/k/v/o biases. Sliding windows only where
 * the config enables them: {@code sliding_window} counts only with {@code use_sliding_window}, and unless
 * {@code layer_types} lists the layers, layers {@code >= max_window_layers} (default 28) slide.
 */
final class Qwen3Spec extends Qwen2Spec {

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
    protected Integer defaultHeadDim() {
        return 128;
    }

    @Override
    Attention attention(JsonFile config, Dimensions dims) throws ModelConfigException {
        boolean bias = config.optionalBoolean("attention_bias", false);
        // Qwen3Config: sliding_window = sliding_window if use_sliding_window else None
        Integer size = config.optionalBoolean("use_sliding_window", false)
                ? SlidingWindow.size(config, DEFAULT_SLIDING_WINDOW) : null;
        int maxWindowLayers = config.optionalInt("max_window_layers", DEFAULT_MAX_WINDOW_LAYERS);
        SlidingWindow.Layers sliding = SlidingWindow.layers(config, dims.numLayers(),
                size == null ? null : i -> i >= maxWindowLayers);
        Integer window = sliding.window(config, size, "sliding_window is not in effect (use_sliding_window false or"
                + " sliding_window null)");
        List<LayerAttention> layers = Attention.perLayer(dims.numLayers(),
                i -> new LayerAttention(sliding.slides(i) ? window : null, RopeKind.GLOBAL));
        return new Attention(bias, bias, true, window, layers, null, null);
    }
}
