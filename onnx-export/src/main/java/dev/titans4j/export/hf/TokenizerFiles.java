package dev.titans4j.export.hf;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Checks the tokenizer files an export copies, so that a model which exports also tokenizes: {@code tokenizer.json}
 * must exist, parse, and be a Hugging Face tokenizer whose every token id (model vocabulary and added tokens) is a
 * row of the embedding table ({@code id < vocab_size}; fewer tokens than rows is normal, e.g. Qwen2's padded
 * vocabulary), and which has a token for the BOS id (the runtime refuses to load it otherwise). The optional
 * {@code special_tokens_map.json} must parse; {@code tokenizer_config.json} and {@code generation_config.json} were
 * already read with the config. Only the structure the runtime reads is checked, not the BPE merges.
 */
public final class TokenizerFiles {

    public static final String TOKENIZER = "tokenizer.json";
    static final String SPECIAL_TOKENS_MAP = "special_tokens_map.json";

    private TokenizerFiles() {
    }

    /** Throws a {@link ModelConfigException} naming the file, the token and the problem. */
    public static void validate(Path dir, ModelConfig config) throws ModelConfigException {
        JsonFile tokenizer = JsonFile.read(dir, TOKENIZER);
        JsonFile.readOptional(dir, SPECIAL_TOKENS_MAP);
        JsonNode model = tokenizer.node("model");
        if (!model.isObject()) {
            throw tokenizer.error("model", "is missing; not a Hugging Face tokenizer.json");
        }
        Set<Integer> ids = new HashSet<>();
        JsonNode vocab = model.path("vocab");
        if (vocab.isObject()) { // BPE, WordPiece, WordLevel: {"token": id}
            for (Map.Entry<String, JsonNode> token : vocab.properties()) {
                ids.add(tokenId(tokenizer, "model.vocab", token.getKey(), token.getValue(), config.dims().vocabSize()));
            }
        } else if (vocab.isArray()) { // Unigram: [["piece", score], ...], id = position
            if (vocab.size() > config.dims().vocabSize()) {
                throw tokenizer.error("model.vocab", "has " + vocab.size() + " pieces, more than vocab_size "
                        + config.dims().vocabSize());
            }
            for (int id = 0; id < vocab.size(); id++) {
                ids.add(id);
            }
        } else {
            throw tokenizer.error("model.vocab", "is missing; not a Hugging Face tokenizer.json");
        }
        for (JsonNode added : tokenizer.node("added_tokens")) {
            String content = added.path("content").asText("?");
            ids.add(tokenId(tokenizer, "added_tokens", content, added.path("id"), config.dims().vocabSize()));
        }
        if (config.tokens().bosTokenId() != null && !ids.contains(config.tokens().bosTokenId())) {
            throw new ModelConfigException(TOKENIZER + ": no token has the BOS id " + config.tokens().bosTokenId()
                    + " (bos_token_id)");
        }
    }

    private static int tokenId(JsonFile file, String key, String token, JsonNode id, int vocab)
            throws ModelConfigException {
        if (!id.isIntegralNumber() || !id.canConvertToInt() || id.intValue() < 0) {
            throw file.error(key, "token '" + token + "' has id " + id + ", not a non-negative integer");
        }
        if (id.intValue() >= vocab) {
            throw file.error(key, "token '" + token + "' has id " + id + ", outside the model's vocabulary"
                    + " (vocab_size " + vocab + ")");
        }
        return id.intValue();
    }
}
