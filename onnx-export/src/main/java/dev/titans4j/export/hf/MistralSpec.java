package dev.titans4j.export.hf;

import dev.titans4j.export.hf.ModelConfig.Attention;
import dev.titans4j.export.hf.ModelConfig.Dimensions;

/** {@code MistralForCausalLM} (MistralConfig): no biases, one sliding window for every layer. */
final class MistralSpec extends FamilySpec {

    /** transformers' MistralConfig default when {@code sliding_window} is absent (an explicit null means none). */
    static final int DEFAULT_SLIDING_WINDOW = 4096;

    @Override
    public String className() {
        return "MistralForCausalLM";
    }

    @Override
    public String modelType() {
        return "mistral";
    }

    @Override
    protected int defaultKvHeads(int heads) {
        return 8;
    }

    @Override
    protected int defaultMaxPositions() {
        return 4096 * 32;
    }

    @Override
    Attention attention(JsonFile config, Dimensions dims) throws ModelConfigException {
        Integer window = SlidingWindow.size(config, DEFAULT_SLIDING_WINDOW);
        return new Attention(false, false, false, window, Attention.uniform(dims.numLayers(), window), null, null);
    }
}
