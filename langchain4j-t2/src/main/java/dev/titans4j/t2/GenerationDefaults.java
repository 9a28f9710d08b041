package dev.titans4j.t2;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The model's own sampling defaults, as Hugging Face's {@code generate} takes them from
 * {@code generation_config.json}: sampling (temperature, top-p, top-k) only when {@code do_sample} is true,
 * greedy decoding otherwise. Builder settings and request parameters override these.
 */
final class GenerationDefaults {

    /** Hugging Face's default top-k when sampling and the config does not say. */
    private static final int HF_DEFAULT_TOP_K = 50;

    private GenerationDefaults() {
    }

    static OnnxChatRequestParameters read(Path modelFolder, String generationConfigFile) {
        Path file = generationConfigFile == null ? null : modelFolder.resolve(generationConfigFile);
        if (file == null || !Files.isRegularFile(file)) {
            return greedy();
        }
        JsonNode config;
        try {
            config = new ObjectMapper().readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("Could not read " + file, e);
        }
        if (!config.path("do_sample").asBoolean(false)) {
            return greedy();
        }
        return OnnxChatRequestParameters.builder()
                .temperature(config.path("temperature").asDouble(1.0))
                .topP(config.path("top_p").asDouble(1.0))
                .topK(config.path("top_k").asInt(HF_DEFAULT_TOP_K))
                .minP(config.hasNonNull("min_p") ? config.get("min_p").asDouble() : null)
                .repetitionPenalty(config.hasNonNull("repetition_penalty")
                        ? config.get("repetition_penalty").asDouble() : null)
                .build();
    }

    private static OnnxChatRequestParameters greedy() {
        return OnnxChatRequestParameters.builder().temperature(0.0).build();
    }
}
