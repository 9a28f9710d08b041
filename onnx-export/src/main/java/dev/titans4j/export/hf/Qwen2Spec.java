package dev.titans4j.export.hf;

import dev.titans4j.export.hf.ModelConfig.Attention;
import dev.titans4j.export.hf.ModelConfig.Dimensions;
import java.util.List;

/**
 * {@code Qwen2ForCausalLM} (Qwen2Config): q/k/v biases always, none on o_proj; no BOS/EOS defaults and no BOS
 * prepended; per-layer sliding windows ({@code use_sliding_window}) are rejected.
 */
final class Qwen2Spec extends FamilySpec {

    @Override
    public String className() {
        return "Qwen2ForCausalLM";
    }

    @Override
    public String modelType() {
        return "qwen2";
    }

    @Override
    protected int defaultKvHeads(int heads) {
        return 32;
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
        if (config.optionalBoolean("use_sliding_window", false)) {
            throw config.error("use_sliding_window", "is true; Qwen2 per-layer sliding-window attention is"
                    + " not supported");
        }
        return new Attention(true, false, false, null, Attention.uniform(dims.numLayers(), null), null, null);
    }
}
