package dev.titans4j.export.hf;

import com.fasterxml.jackson.databind.JsonNode;
import dev.titans4j.export.ChatFormat;
import dev.titans4j.export.manifest.ModelManifest;
import java.io.IOException;
import java.nio.file.Path;

/**
 * What the runtime needs from {@code tokenizer_config.json} and {@code generation_config.json} besides token ids:
 * the exporter records it in the manifest; the runtime reads it from the copied files only for manifests written
 * before that (version 1), through the same code.
 */
public final class ChatSettings {


    private ChatSettings() {
    }

    /** The chat template, BOS/EOS token texts and default system prompt of a Hugging Face (or exported) folder. */
    public static ModelManifest.Chat chat(Path dir) throws IOException {
        JsonFile tokenizer = JsonFile.readOptional(dir, ModelConfigReader.TOKENIZER_CONFIG);
        JsonFile specials = JsonFile.readOptional(dir, TokenizerFiles.SPECIAL_TOKENS_MAP);
        String template = ModelConfigReader.chatTemplate(dir, tokenizer);
        return new ModelManifest.Chat(template, token(tokenizer, specials, "bos_token"),
                token(tokenizer, specials, "eos_token"), ChatFormat.defaultSystemPrompt(template).orElse(null));
    }

    /** The sampling defaults of {@code generation_config.json}; greedy with nothing set when there is none. */
    public static ModelManifest.Generation generation(Path dir) throws IOException {
        JsonFile g = JsonFile.readOptional(dir, ModelConfigReader.GENERATION_CONFIG);
        return new ModelManifest.Generation(g.optionalBoolean("do_sample", false), number(g, "temperature"),
                number(g, "top_p"), g.nullableInt("top_k"), number(g, "min_p"), number(g, "repetition_penalty"),
                g.nullableInt("max_new_tokens"));
    }

    private static Double number(JsonFile file, String key) throws ModelConfigException {
        return file.has(key) ? file.optionalDouble(key, Double.NaN) : null;
    }

    /** A special token's text: a string, or an AddedToken object's {@code content}; tokenizer config first. */
    private static String token(JsonFile tokenizer, JsonFile specials, String key) throws ModelConfigException {
        for (JsonFile file : new JsonFile[] {tokenizer, specials}) {
            JsonNode node = file.node(key);
            if (node.isTextual()) {
                return node.textValue();
            }
            if (node.isObject()) {
                if (!node.path("content").isTextual()) {
                    throw file.error(key, "is an object without a 'content' string");
                }
                return node.path("content").textValue();
            }
            if (!node.isMissingNode() && !node.isNull()) {
                throw file.error(key, "must be a string or an object with 'content', found " + node);
            }
        }
        return null;
    }
}
