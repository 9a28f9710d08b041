package dev.titans4j.export.hf;

import com.fasterxml.jackson.databind.JsonNode;
import dev.titans4j.export.hf.ModelConfig.Attention;
import dev.titans4j.export.hf.ModelConfig.Dimensions;
import dev.titans4j.export.hf.ModelConfig.Embedding;
import dev.titans4j.export.hf.ModelConfig.LayerAttention;
import dev.titans4j.export.hf.ModelConfig.Mlp;
import dev.titans4j.export.hf.ModelConfig.RopeKind;
import java.util.List;
import java.util.function.IntPredicate;

/**
 * {@code SmolLM3ForCausalLM} (transformers' SmolLM3Config and modeling_smollm3): the Llama decoder with some layers
 * that skip RoPE. {@code no_rope_layers[i]} is 1 where layer i USES RoPE (transformers: {@code use_rope =
 * no_rope_layers[layer_idx]}); when absent it is {@code (i + 1) % no_rope_layer_interval != 0} (interval default
 * 4: every fourth layer has no RoPE). Unless {@code layer_types} lists them, layers slide only with
 * {@code use_sliding_window} and a {@code sliding_window}, and only where they have no RoPE. Defaults: 4 KV heads,
 * rope_theta 2,000,000, tied embeddings, BOS 128000, EOS 128001, PAD 128004.
 */
final class SmolLM3Spec extends FamilySpec {

    static final int DEFAULT_NO_ROPE_LAYER_INTERVAL = 4;

    @Override
    public String className() {
        return "SmolLM3ForCausalLM";
    }

    @Override
    public String modelType() {
        return "smollm3";
    }

    @Override
    protected int defaultKvHeads(int heads) {
        return 4;
    }

    @Override
    protected int defaultMaxPositions() {
        return 32768;
    }

    @Override
    protected double defaultRopeTheta() {
        return 2_000_000.0;
    }

    @Override
    protected Integer defaultBosTokenId() {
        return 128000;
    }

    @Override
    protected List<Integer> defaultEosTokenIds() {
        return List.of(128001);
    }

    @Override
    protected Integer defaultPadTokenId() {
        return 128004;
    }

    @Override
    Attention attention(JsonFile config, Dimensions dims) throws ModelConfigException {
        boolean bias = config.optionalBoolean("attention_bias", false);
        int layers = dims.numLayers();
        IntPredicate rope = usesRope(config, layers);
        Integer size = SlidingWindow.size(config, null);
        boolean useWindow = config.optionalBoolean("use_sliding_window", false);
        // SmolLM3Config: only no-RoPE layers slide, and only with use_sliding_window and a window
        SlidingWindow.Layers sliding = SlidingWindow.layers(config, layers,
                useWindow && size != null ? i -> !rope.test(i) : null);
        Integer window = sliding.window(config, size);
        List<LayerAttention> plan = Attention.perLayer(layers, i -> new LayerAttention(
                sliding.slides(i) ? window : null, rope.test(i) ? RopeKind.GLOBAL : RopeKind.NONE));
        return new Attention(bias, bias, false, window, plan, null, null);
    }

    /** Whether layer i applies RoPE: {@code no_rope_layers[i]} (1 = yes), or the interval rule. */
    private static IntPredicate usesRope(JsonFile config, int layers) throws ModelConfigException {
        JsonNode list = config.node("no_rope_layers");
        if (list.isMissingNode() || list.isNull()) {
            int interval = config.positiveInt("no_rope_layer_interval", DEFAULT_NO_ROPE_LAYER_INTERVAL);
            return i -> (i + 1) % interval != 0;
        }
        if (!list.isArray() || list.size() != layers) {
            throw config.error("no_rope_layers", "must list 0 or 1 for each of the " + layers + " layers, found "
                    + list);
        }
        boolean[] rope = new boolean[layers];
        for (int i = 0; i < layers; i++) {
            int v = config.intValue("no_rope_layers", list.get(i));
            if (v != 0 && v != 1) {
                throw config.error("no_rope_layers", "entry " + i + " is " + v + "; must be 1 (RoPE) or 0 (none)");
            }
            rope[i] = v == 1;
        }
        return i -> rope[i];
    }

    @Override
    Mlp mlp(JsonFile config) throws ModelConfigException {
        return swiGluWithoutBias(config);
    }

    @Override
    Embedding embedding(JsonFile config, Dimensions dims) throws ModelConfigException {
        return new Embedding(config.optionalBoolean("tie_word_embeddings", true), null, null);
    }
}
