package dev.titans4j.export.hf;

import dev.titans4j.export.ChatFormat;
import dev.titans4j.export.manifest.ModelManifest;
import java.io.IOException;
import java.nio.file.Path;

/**
 * What the runtime needs from {@code tokenizer_config.json} and {@code generation_config.json} besides token ids:
 * the exporter records it in the manifest (read with the config, {@link ModelConfig#chat()} and
 * {@link ModelConfig#generation()}); the runtime reads it from the copied files only for manifests written before
 * that (version 1), through the same code.
 */
public final class ChatSettings {

    private ChatSettings() {
    }

    /** The chat template, BOS/EOS token texts and default system prompt of a Hugging Face (or exported) folder. */
    public static ModelManifest.Chat chat(Path dir) throws IOException {
        return chat(TokenizerFiles.read(dir));
    }

    static ModelManifest.Chat chat(TokenizerFiles tokenizer) throws IOException {
        String template = tokenizer.chatTemplate();
        return new ModelManifest.Chat(template, tokenizer.specialToken("bos_token"),
                tokenizer.specialToken("eos_token"), ChatFormat.defaultSystemPrompt(template).orElse(null));
    }

    /** The sampling defaults of {@code generation_config.json}; greedy with nothing set when there is none. */
    public static ModelManifest.Generation generation(Path dir) throws IOException {
        return generation(JsonFile.readOptional(dir, ModelConfigReader.GENERATION_CONFIG));
    }

    static ModelManifest.Generation generation(JsonFile g) throws ModelConfigException {
        return new ModelManifest.Generation(g.optionalBoolean("do_sample", false), number(g, "temperature"),
                number(g, "top_p"), g.nullableInt("top_k"), number(g, "min_p"), number(g, "repetition_penalty"),
                g.nullableInt("max_new_tokens"));
    }

    private static Double number(JsonFile file, String key) throws ModelConfigException {
        return file.has(key) ? file.optionalDouble(key, Double.NaN) : null;
    }
}
