package dev.titans4j.export.hf;

import dev.titans4j.export.hf.ModelConfig.Attention;
import dev.titans4j.export.hf.ModelConfig.Dimensions;
import dev.titans4j.export.hf.ModelConfig.Rope;
import java.util.List;

/**
 * {@code Phi3ForCausalLM} (Phi3Config: Phi-3/3.5-mini, Phi-4-mini): the Llama decoder with fused {@code qkv_proj}
 * (rows: query, key, value) and {@code gate_up_proj} (rows: gate, up), a partial rotary dim
 * ({@code partial_rotary_factor}), {@code longrope} scaling ({@link LongRope}; its switch length is the top-level
 * {@code original_max_position_embeddings}, which Phi3Config copies over any value inside the rope object) and an
 * optional sliding window. Phi3Config's defaults: rms_norm_eps 1e-5, max_position_embeddings and
 * original_max_position_embeddings 4096, BOS 1, EOS 32000, PAD 32000, untied, no window.
 */
final class Phi3Spec extends FamilySpec {

    static final String QKV_PROJ = "self_attn.qkv_proj";
    static final String GATE_UP_PROJ = "mlp.gate_up_proj";
    static final int DEFAULT_MAX_POSITIONS = 4096;

    @Override
    public String className() {
        return "Phi3ForCausalLM";
    }

    @Override
    public String modelType() {
        return "phi3";
    }

    @Override
    protected int defaultMaxPositions() {
        return DEFAULT_MAX_POSITIONS;
    }

    @Override
    protected double defaultRmsNormEps() {
        return 1e-5;
    }

    @Override
    protected List<Integer> defaultEosTokenIds() {
        return List.of(32000);
    }

    @Override
    protected Integer defaultPadTokenId() {
        return 32000;
    }

    @Override
    Attention attention(JsonFile config, Dimensions dims) throws ModelConfigException {
        Integer window = SlidingWindow.size(config, null);
        return new Attention(false, false, false, window, Attention.uniform(dims.numLayers(), window), null, null);
    }

    @Override
    Rope rope(JsonFile config, Dimensions dims) throws ModelConfigException {
        int rotaryDim = RopeSettings.rotaryDim(config, dims.headDim());
        int originalMax = config.positiveInt("original_max_position_embeddings", DEFAULT_MAX_POSITIONS);
        RopeSettings settings = RopeSettings.read(config, defaultRopeTheta(),
                new RopeSettings.LongRopeShape(rotaryDim, dims.maxPositionEmbeddings(), originalMax));
        return new Rope(rotaryDim, settings.table(), null);
    }

    @Override
    public WeightRef linear(ModelConfig c, int layer, Linear which) {
        Dimensions d = c.dims();
        String qkv = WeightNames.weight(layer, QKV_PROJ);
        String gateUp = WeightNames.weight(layer, GATE_UP_PROJ);
        return switch (which) {
            case Q -> new WeightRef(qkv, 0, d.qDim());
            case K -> new WeightRef(qkv, d.qDim(), d.kvDim());
            case V -> new WeightRef(qkv, d.qDim() + d.kvDim(), d.kvDim());
            case GATE -> new WeightRef(gateUp, 0, d.intermediateSize());
            case UP -> new WeightRef(gateUp, d.intermediateSize(), d.intermediateSize());
            case O, DOWN -> super.linear(c, layer, which);
        };
    }
}
