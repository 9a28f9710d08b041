package dev.titans4j.export.hf;

import dev.titans4j.export.hf.ModelConfig.Attention;
import dev.titans4j.export.hf.ModelConfig.Dimensions;
import dev.titans4j.export.hf.ModelConfig.Mlp;

/** {@code LlamaForCausalLM} (transformers' LlamaConfig): {@code attention_bias} switches q/k/v/o biases. */
final class LlamaSpec extends FamilySpec {

    @Override
    public String className() {
        return "LlamaForCausalLM";
    }

    @Override
    public String modelType() {
        return "llama";
    }

    @Override
    protected int defaultMaxPositions() {
        return 2048;
    }

    @Override
    Attention attention(JsonFile config, Dimensions dims) throws ModelConfigException {
        boolean bias = config.optionalBoolean("attention_bias", false);
        return new Attention(bias, bias, false, null, Attention.uniform(dims.numLayers(), null), null, null);
    }

    @Override
    Mlp mlp(JsonFile config) throws ModelConfigException {
        Mlp mlp = super.mlp(config);
        if (config.optionalBoolean("mlp_bias", false)) {
            throw config.error("mlp_bias", "is true; MLP biases are not supported");
        }
        return mlp;
    }
}
