package dev.titans4j.t2.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.OptionalInt;

/**
 * The token strings of a Hugging Face {@code tokenizer.json}: the model vocabulary plus the added tokens.
 * DJL's tokenizer has no token-to-id lookup, so we read the file ourselves (it is plain JSON).
 */
final class TokenizerVocabulary {

    private final Map<String, Integer> ids;
    private final String[] tokens;
    private final boolean[] special;
    private final boolean[] byteFallback;

    private TokenizerVocabulary(Map<String, Integer> ids, boolean[] special, boolean byteFallbackModel) {
        this.ids = Map.copyOf(ids);
        int size = ids.values().stream().mapToInt(Integer::intValue).max().orElse(-1) + 1;
        this.tokens = new String[size];
        ids.forEach((token, id) -> tokens[id] = token);
        this.special = java.util.Arrays.copyOf(special, size);
        this.byteFallback = new boolean[size];
        if (byteFallbackModel) {
            for (int id = 0; id < size; id++) {
                byteFallback[id] = tokens[id] != null && isByteToken(tokens[id]);
            }
        }
    }

    static TokenizerVocabulary read(Path tokenizerJson) throws IOException {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(Files.readAllBytes(tokenizerJson));
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            throw new IllegalArgumentException(tokenizerJson + ": not valid JSON: " + e.getOriginalMessage(), e);
        }
        JsonNode model = root.path("model");
        if (!model.isObject()) {
            throw new IllegalArgumentException(tokenizerJson + ": no 'model' object; is this a Hugging Face tokenizer.json?");
        }
        Map<String, Integer> ids = new HashMap<>();
        JsonNode vocab = model.path("vocab");
        if (vocab.isObject()) { // BPE, WordPiece, WordLevel: {"token": id}
            for (Iterator<Map.Entry<String, JsonNode>> it = vocab.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                ids.put(e.getKey(), TokenIds.require(tokenizerJson, "model.vocab", e.getKey(), e.getValue()));
            }
        } else if (vocab.isArray()) { // Unigram: [["piece", score], ...], id = position
            for (int i = 0; i < vocab.size(); i++) {
                ids.put(TokenIds.unigramPiece(tokenizerJson, i, vocab.get(i)), i);
            }
        } else {
            throw new IllegalArgumentException(tokenizerJson + ": model.vocab is missing");
        }
        Map<Integer, Boolean> specialIds = new HashMap<>();
        for (JsonNode added : root.path("added_tokens")) {
            int id = TokenIds.require(tokenizerJson, "added_tokens", added.path("content").asText(), added.path("id"));
            ids.put(added.path("content").asText(), id);
            specialIds.put(id, added.path("special").asBoolean(false));
        }
        int size = ids.values().stream().mapToInt(Integer::intValue).max().orElse(-1) + 1;
        boolean[] special = new boolean[size];
        specialIds.forEach((id, isSpecial) -> special[id] = isSpecial);
        return new TokenizerVocabulary(ids, special, model.path("byte_fallback").asBoolean(false));
    }

    /** SentencePiece byte-fallback pieces look like {@code <0x0A>}. */
    private static boolean isByteToken(String token) {
        return token.length() == 6 && token.startsWith("<0x") && token.endsWith(">")
                && Character.digit(token.charAt(3), 16) >= 0 && Character.digit(token.charAt(4), 16) >= 0;
    }

    int size() {
        return tokens.length;
    }

    OptionalInt id(String token) {
        Integer id = ids.get(token);
        return id == null ? OptionalInt.empty() : OptionalInt.of(id);
    }

    boolean contains(int id) {
        return id >= 0 && id < tokens.length && tokens[id] != null;
    }

    /** The special (added) tokens' strings, by id. */
    Map<String, Integer> specialTokens() {
        Map<String, Integer> out = new HashMap<>();
        for (int id = 0; id < special.length; id++) {
            if (special[id] && tokens[id] != null) {
                out.put(tokens[id], id);
            }
        }
        return out;
    }

    boolean isSpecial(int id) {
        return id >= 0 && id < special.length && special[id];
    }

    /** Whether the id is a byte-fallback piece, whose text depends on the bytes that follow it. */
    boolean isByteFallback(int id) {
        return id >= 0 && id < byteFallback.length && byteFallback[id];
    }
}
