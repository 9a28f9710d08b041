package dev.titans4j.t2.tokenizer;

import dev.titans4j.export.hf.TokenizerJson;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalInt;

/**
 * The token strings of a Hugging Face {@code tokenizer.json}: the model vocabulary plus the added tokens.
 * DJL's tokenizer has no token-to-id lookup, so we build one from {@link TokenizerJson}.
 */
final class TokenizerVocabulary {

    private final Map<String, Integer> ids;
    private final String[] tokens;
    private final boolean[] special;
    private final boolean[] byteFallback;

    private TokenizerVocabulary(Map<String, Integer> ids, Map<Integer, String> tokensById, boolean[] special,
                                boolean byteFallbackModel) {
        this.ids = Map.copyOf(ids);
        int size = ids.values().stream().mapToInt(Integer::intValue).max().orElse(-1) + 1;
        this.tokens = new String[size];
        tokensById.forEach((id, token) -> tokens[id] = token);
        this.special = java.util.Arrays.copyOf(special, size);
        this.byteFallback = new boolean[size];
        if (byteFallbackModel) {
            for (int id = 0; id < size; id++) {
                byteFallback[id] = tokens[id] != null && isByteToken(tokens[id]);
            }
        }
    }

    static TokenizerVocabulary read(Path tokenizerJson) {
        TokenizerJson file = TokenizerJson.read(tokenizerJson);
        Map<String, Integer> ids = new HashMap<>(file.ids());
        // an id's token: its added token's string where there is one, as Hugging Face's id-to-token has it
        Map<Integer, String> tokensById = new HashMap<>(file.pieces());
        boolean[] special = new boolean[file.size()];
        for (TokenizerJson.AddedToken added : file.addedTokens()) {
            ids.put(added.content(), added.id());
            tokensById.put(added.id(), added.content());
            special[added.id()] = added.special();
        }
        return new TokenizerVocabulary(ids, tokensById, special, file.byteFallback());
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
