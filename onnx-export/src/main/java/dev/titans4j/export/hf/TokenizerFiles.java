package dev.titans4j.export.hf;

import com.fasterxml.jackson.databind.JsonNode;
import dev.titans4j.export.IoProblems;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The tokenizer files of a Hugging Face (or exported) folder. {@link #read} parses {@code tokenizer_config.json} and
 * the optional {@code special_tokens_map.json} once, for the config (add_bos_token, chat template) and the chat
 * settings (token texts). {@link #validate} checks {@code tokenizer.json}, so that a model which exports also
 * tokenizes: it must exist, parse, and be a Hugging Face tokenizer whose every token id (model vocabulary and added
 * tokens) is a row of the embedding table ({@code id < vocab_size}; fewer tokens than rows is normal, e.g. Qwen2's
 * padded vocabulary), and which has a token for the BOS id (the runtime refuses to load it otherwise). Only the
 * structure the runtime reads is checked, not the BPE merges.
 */
public final class TokenizerFiles {

    public static final String TOKENIZER = "tokenizer.json";
    static final String TOKENIZER_CONFIG = "tokenizer_config.json";
    static final String SPECIAL_TOKENS_MAP = "special_tokens_map.json";
    static final String CHAT_TEMPLATE_FILE = "chat_template.jinja";

    private final Path dir;
    private final JsonFile config;
    private final JsonFile specialTokens;

    private TokenizerFiles(Path dir, JsonFile config, JsonFile specialTokens) {
        this.dir = dir;
        this.config = config;
        this.specialTokens = specialTokens;
    }

    /** Parses {@code tokenizer_config.json} and {@code special_tokens_map.json}, each empty when absent. */
    static TokenizerFiles read(Path dir) throws ModelConfigException {
        JsonFile config = JsonFile.readOptional(dir, TOKENIZER_CONFIG);
        return new TokenizerFiles(dir, config, JsonFile.readOptional(dir, SPECIAL_TOKENS_MAP));
    }

    /** {@code add_bos_token} of tokenizer_config.json, {@code defaultValue} when absent. */
    boolean addBosToken(boolean defaultValue) throws ModelConfigException {
        return config.optionalBoolean("add_bos_token", defaultValue);
    }

    /** A special token's text: a string, or an AddedToken object's {@code content}; tokenizer config first. */
    String specialToken(String key) throws ModelConfigException {
        for (JsonFile file : new JsonFile[] {config, specialTokens}) {
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

    /** {@code chat_template} as a string, a list of named templates (the "default" one), or chat_template.jinja. */
    String chatTemplate() throws IOException {
        JsonNode node = config.node("chat_template");
        if (node.isTextual()) {
            return node.textValue();
        }
        if (node.isArray()) {
            for (JsonNode named : node) {
                if ("default".equals(named.path("name").asText()) && named.path("template").isTextual()) {
                    return named.path("template").textValue();
                }
            }
            throw config.error("chat_template", "is a list without a template named 'default'");
        }
        Path jinja = dir.resolve(CHAT_TEMPLATE_FILE);
        if (!Files.isRegularFile(jinja)) {
            return null;
        }
        try {
            return Files.readString(jinja);
        } catch (CharacterCodingException e) { // its message ("Input length = 1") names neither file nor problem
            throw new ModelConfigException(CHAT_TEMPLATE_FILE + ": " + IoProblems.describe(e), e);
        }
    }

    /** Checks {@code tokenizer.json}: a {@link ModelConfigException} names the file, the token and the problem. */
    public static void validate(Path dir, ModelConfig config) throws ModelConfigException {
        TokenizerJson tokenizer;
        try {
            tokenizer = TokenizerJson.parse(JsonFile.read(dir, TOKENIZER).root(), TOKENIZER);
        } catch (IllegalArgumentException e) {
            throw new ModelConfigException(e.getMessage(), e);
        }
        int vocab = config.dims().vocabSize();
        Set<Integer> ids = new HashSet<>();
        for (Map.Entry<Integer, String> piece : tokenizer.pieces().entrySet()) {
            ids.add(inVocabulary("model.vocab", piece.getValue(), piece.getKey(), vocab));
        }
        for (TokenizerJson.AddedToken added : tokenizer.addedTokens()) {
            ids.add(inVocabulary("added_tokens", added.content(), added.id(), vocab));
        }
        if (config.tokens().bosTokenId() != null && !ids.contains(config.tokens().bosTokenId())) {
            throw new ModelConfigException(TOKENIZER + ": no token has the BOS id " + config.tokens().bosTokenId()
                    + " (bos_token_id)");
        }
    }

    private static int inVocabulary(String key, String token, int id, int vocab) throws ModelConfigException {
        if (id >= vocab) {
            throw new ModelConfigException(TOKENIZER + ": '" + key + "' token '" + token + "' has id " + id
                    + ", outside the model's vocabulary (vocab_size " + vocab + ")");
        }
        return id;
    }
}
