package dev.titans4j.export.reference;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The few config.json values the reference forward pass needs, read here on purpose rather than through the
 * exporter's {@code ModelConfig}, so that a parsing bug there cannot hide in both sides of a comparison. Defaults
 * follow transformers' LlamaConfig / MistralConfig / Qwen2Config.
 */
record ReferenceConfig(
        String architecture,
        int hidden,
        int intermediate,
        int layers,
        int heads,
        int kvHeads,
        int headDim,
        int vocab,
        double eps,
        double theta,
        JsonNode ropeScaling,
        boolean tied,
        boolean qkvBias,
        boolean oBias,
        int slidingWindow) {

    /** No sliding window: every earlier key is visible. */
    static final int NO_WINDOW = Integer.MAX_VALUE;

    static ReferenceConfig read(Path dir) throws IOException {
        JsonNode c = new ObjectMapper().readTree(dir.resolve("config.json").toFile());
        String arch = c.get("architectures").get(0).asText();
        int hidden = c.get("hidden_size").asInt();
        int heads = c.get("num_attention_heads").asInt();
        int headDim = c.hasNonNull("head_dim") ? c.get("head_dim").asInt() : hidden / heads;
        boolean llamaBias = arch.equals("LlamaForCausalLM") && c.path("attention_bias").asBoolean(false);
        int window = NO_WINDOW;
        if (arch.equals("MistralForCausalLM")) {
            JsonNode w = c.get("sliding_window");
            window = w == null ? 4096 : w.isNull() ? NO_WINDOW : w.asInt();
        }
        // transformers 5 folds rope_theta and the scaling into one rope_parameters object
        JsonNode ropeParameters = c.path("rope_parameters");
        JsonNode ropeScaling = c.hasNonNull("rope_scaling") ? c.get("rope_scaling") : ropeParameters;
        return new ReferenceConfig(arch, hidden, c.get("intermediate_size").asInt(),
                c.get("num_hidden_layers").asInt(), heads,
                c.hasNonNull("num_key_value_heads") ? c.get("num_key_value_heads").asInt() : heads, headDim,
                c.get("vocab_size").asInt(), c.path("rms_norm_eps").asDouble(1e-6),
                c.path("rope_theta").asDouble(ropeParameters.path("rope_theta").asDouble(10000.0)), ropeScaling,
                c.path("tie_word_embeddings").asBoolean(false),
                arch.equals("Qwen2ForCausalLM") || llamaBias, llamaBias, window);
    }
}
