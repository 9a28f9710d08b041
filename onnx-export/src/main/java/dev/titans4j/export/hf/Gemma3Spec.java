package dev.titans4j.export.hf;

import dev.titans4j.export.hf.ModelConfig.Activation;
import dev.titans4j.export.hf.ModelConfig.Attention;
import dev.titans4j.export.hf.ModelConfig.Dimensions;
import dev.titans4j.export.hf.ModelConfig.Embedding;
import dev.titans4j.export.hf.ModelConfig.LayerAttention;
import dev.titans4j.export.hf.ModelConfig.Mlp;
import dev.titans4j.export.hf.ModelConfig.NormPlacement;
import dev.titans4j.export.hf.ModelConfig.Norms;
import dev.titans4j.export.hf.ModelConfig.Rope;
import dev.titans4j.export.hf.ModelConfig.RopeKind;
import java.util.List;

/**
 * {@code Gemma3ForCausalLM}, the text-only Gemma 3 (transformers 5.17 {@code Gemma3TextConfig}, modeling_gemma3.py).
 * What differs from Llama, and how the export reproduces it:
 * <ul>
 *   <li>embeddings times {@code sqrt(hidden_size)} cast to the weights' dtype ({@code embed_scale.to(dtype)}: a bf16
 *       checkpoint as stored uses the bf16 value, sqrt(1152) = 33.94 -> 34.0);</li>
 *   <li>RMSNorm {@code x * rsqrt(mean(x^2) + eps) * (1 + w)} in float32: the stored w gets 1 added at export;</li>
 *   <li>four norms a layer: {@code input_layernorm}; {@code post_attention_layernorm} on the attention output before
 *       its residual add; {@code pre_feedforward_layernorm}; {@code post_feedforward_layernorm} on the MLP output
 *       before its residual add. Per-head {@code q_norm}/{@code k_norm} over head_dim before RoPE;</li>
 *   <li>GeGLU {@code down(gelu_pytorch_tanh(gate(x)) * up(x))} ({@code hidden_activation});</li>
 *   <li>attention scaling {@code query_pre_attn_scalar^-0.5} (default 256), not head_dim's;</li>
 *   <li>per-layer attention: {@code layer_types}, or else {@code sliding_window_pattern} (default 6: layer i slides
 *       unless (i + 1) % pattern == 0). Sliding layers see the {@code sliding_window} keys ending at the query
 *       itself and rotate with base {@code rope_local_base_freq} (default 10000); full layers with {@code rope_theta}
 *       (default 1e6) and {@code rope_scaling} (linear on Gemma 3 4B+), which transformers applies to the full layers
 *       only; transformers 5 writes both as {@code rope_parameters} per layer type;</li>
 *   <li>{@code final_logit_softcapping}: {@code cap * tanh(logits / cap)} after the LM head. transformers 5.17 reads
 *       {@code attn_logit_softcapping} but never passes it to the attention function (eager or sdpa), so it changes
 *       nothing there, and nothing here;</li>
 *   <li>defaults: tied embeddings, head_dim 256, 4 kv heads, 131072 positions, sliding_window 4096, BOS 2, EOS 1,
 *       PAD 0.</li>
 * </ul>
 * Rejected: {@code use_bidirectional_attention} (not causal), attention biases (no Gemma 3 checkpoint has them).
 */
final class Gemma3Spec extends FamilySpec {

    /** Gemma3TextConfig's {@code sliding_window} and {@code sliding_window_pattern} when absent. */
    static final int DEFAULT_SLIDING_WINDOW = 4096;
    static final int DEFAULT_SLIDING_WINDOW_PATTERN = 6;

    @Override
    public String className() {
        return "Gemma3ForCausalLM";
    }

    @Override
    public String modelType() {
        return "gemma3_text";
    }

    @Override
    protected int defaultKvHeads(int heads) {
        return 4;
    }

    @Override
    protected Integer defaultHeadDim() {
        return 256;
    }

    @Override
    protected int defaultMaxPositions() {
        return 131_072;
    }

    @Override
    protected Integer defaultBosTokenId() {
        return 2;
    }

    @Override
    protected Integer defaultPadTokenId() {
        return 0;
    }

    @Override
    protected List<Integer> defaultEosTokenIds() {
        return List.of(1);
    }

    @Override
    Attention attention(JsonFile config, Dimensions dims) throws ModelConfigException {
        if (config.optionalBoolean("attention_bias", false)) {
            throw config.error("attention_bias", "is true; Gemma 3 attention biases are not supported");
        }
        if (config.optionalBoolean("use_bidirectional_attention", false)) {
            throw config.error("use_bidirectional_attention", "is true; only causal (decoder) Gemma 3 is supported");
        }
        int pattern = config.positiveInt("sliding_window_pattern", DEFAULT_SLIDING_WINDOW_PATTERN);
        SlidingWindow.Layers sliding = SlidingWindow.layers(config, dims.numLayers(), i -> (i + 1) % pattern != 0);
        // read only when a layer slides: transformers never uses it otherwise
        Integer window = sliding.window(config,
                sliding.any() ? SlidingWindow.size(config, DEFAULT_SLIDING_WINDOW) : null);
        double scalar = config.optionalDouble("query_pre_attn_scalar", 256);
        if (!(scalar > 0)) {
            throw config.error("query_pre_attn_scalar", "must be positive, found " + scalar);
        }
        LayerAttention local = new LayerAttention(window, RopeKind.LOCAL);
        LayerAttention global = new LayerAttention(null, RopeKind.GLOBAL);
        List<LayerAttention> layers = Attention.perLayer(dims.numLayers(), i -> sliding.slides(i) ? local : global);
        return new Attention(false, false, true, window, layers, 1 / Math.sqrt(scalar), null);
    }

    @Override
    Rope rope(JsonFile config, Dimensions dims) throws ModelConfigException {
        return new Rope(dims.headDim(),
                RopeSettings.forLayerType(config, LayerTypes.FULL, "rope_theta", 1_000_000.0, true),
                RopeSettings.forLayerType(config, LayerTypes.SLIDING, "rope_local_base_freq", 10_000.0, false));
    }

    @Override
    Norms norms(JsonFile config) throws ModelConfigException {
        return new Norms(super.norms(config).eps(), NormPlacement.SANDWICH, 1f);
    }

    @Override
    Mlp mlp(JsonFile config) throws ModelConfigException {
        String act = config.optionalString("hidden_activation", "gelu_pytorch_tanh");
        if (!act.equals("gelu_pytorch_tanh")) {
            throw config.error("hidden_activation", "is '" + act + "'; only gelu_pytorch_tanh (GeGLU) is supported");
        }
        return new Mlp(act, Activation.GELU_TANH);
    }

    @Override
    Embedding embedding(JsonFile config, Dimensions dims) throws ModelConfigException {
        Double cap = null;
        if (config.has("final_logit_softcapping")) {
            cap = config.optionalDouble("final_logit_softcapping", 0);
            if (!(cap > 0)) {
                throw config.error("final_logit_softcapping", "must be positive or null, found " + cap);
            }
        }
        return new Embedding(config.optionalBoolean("tie_word_embeddings", true), Math.sqrt(dims.hiddenSize()), cap);
    }

    /** Gemma's post_attention_layernorm normalises the attention output; the MLP's input norm is its own. */
    @Override
    public String norm(int layer, Norm which) {
        return switch (which) {
            case ATTENTION_OUTPUT -> WeightNames.layer(layer, WeightNames.POST_ATTENTION_LAYERNORM);
            case MLP_INPUT -> WeightNames.layer(layer, "pre_feedforward_layernorm.weight");
            default -> super.norm(layer, which);
        };
    }
}
