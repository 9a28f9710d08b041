package dev.titans4j.export.hf;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The vocabulary of a Hugging Face {@code tokenizer.json}: the model's pieces by id and the added tokens, every id
 * checked before anyone sizes or indexes an array with it. The one reader of this part of the file: the exporter
 * validates with it, the runtime's token lookup and constrained decoding build their tables from it.
 */
public final class TokenizerJson {

    /** Far above any real vocabulary (the largest have a few hundred thousand tokens). */
    public static final int MAX_TOKEN_ID = (1 << 24) - 1;

    /** An entry of {@code added_tokens}. */
    public record AddedToken(int id, String content, boolean special) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Map<Integer, String> pieces;
    private final Map<String, Integer> ids;
    private final List<AddedToken> addedTokens;
    private final int size;
    private final boolean unigram;
    private final JsonNode root;

    private TokenizerJson(Map<Integer, String> pieces, Map<String, Integer> ids, List<AddedToken> addedTokens,
                          boolean unigram, JsonNode root) {
        this.pieces = Collections.unmodifiableMap(pieces);
        this.ids = Collections.unmodifiableMap(ids);
        this.addedTokens = List.copyOf(addedTokens);
        this.unigram = unigram;
        this.root = root;
        int max = -1;
        for (int id : pieces.keySet()) {
            max = Math.max(max, id);
        }
        for (AddedToken token : addedTokens) {
            max = Math.max(max, token.id());
        }
        this.size = max + 1;
    }

    /**
     * Reads {@code file}.
     *
     * @throws IllegalArgumentException naming the file when it is not JSON or not a tokenizer.json whose ids fit
     * @throws UncheckedIOException when it cannot be read
     */
    public static TokenizerJson read(Path file) {
        JsonNode root;
        try {
            root = JSON.readTree(Files.readAllBytes(file));
        } catch (JacksonException e) {
            throw new IllegalArgumentException(file + ": not valid JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read tokenizer file " + file + ": " + e.getMessage(), e);
        }
        return parse(root, file.toString());
    }

    /**
     * Reads an already parsed file; {@code source} names it in errors.
     *
     * @throws IllegalArgumentException naming {@code source} when it is not a tokenizer.json whose ids fit
     */
    public static TokenizerJson parse(JsonNode root, String source) {
        JsonNode model = root == null ? null : root.path("model");
        if (model == null || !model.isObject()) {
            throw new IllegalArgumentException(source + ": 'model' is missing; not a Hugging Face tokenizer.json");
        }
        Map<Integer, String> pieces = new LinkedHashMap<>();
        Map<String, Integer> ids = new LinkedHashMap<>();
        JsonNode vocab = model.path("vocab");
        if (vocab.isObject()) { // BPE, WordPiece, WordLevel: {"piece": id}
            for (Map.Entry<String, JsonNode> e : vocab.properties()) {
                int id = id(source, "model.vocab", e.getKey(), e.getValue());
                pieces.put(id, e.getKey());
                ids.put(e.getKey(), id);
            }
        } else if (vocab.isArray()) { // Unigram: [["piece", score], ...], id = position
            if (vocab.size() > MAX_TOKEN_ID + 1) {
                throw new IllegalArgumentException(source + ": 'model.vocab' has " + vocab.size()
                        + " pieces; token ids are whole numbers from 0 to " + MAX_TOKEN_ID);
            }
            for (int i = 0; i < vocab.size(); i++) {
                JsonNode entry = vocab.get(i);
                if (!entry.isArray() || !entry.path(0).isTextual()) {
                    throw new IllegalArgumentException(source + ": 'model.vocab' entry " + i + " is " + entry
                            + ", not a [\"piece\", score] pair");
                }
                pieces.put(i, entry.get(0).textValue());
                ids.put(entry.get(0).textValue(), i);
            }
        } else {
            throw new IllegalArgumentException(source + ": 'model.vocab' is missing; not a Hugging Face tokenizer.json");
        }
        List<AddedToken> added = new ArrayList<>();
        for (JsonNode t : root.path("added_tokens")) {
            String content = t.path("content").asText();
            added.add(new AddedToken(id(source, "added_tokens", content, t.path("id")), content,
                    t.path("special").asBoolean(false)));
        }
        return new TokenizerJson(pieces, ids, added, vocab.isArray(), root);
    }

    private static int id(String source, String where, String token, JsonNode id) {
        if (!id.isIntegralNumber() || !id.canConvertToInt() || id.intValue() < 0 || id.intValue() > MAX_TOKEN_ID) {
            throw new IllegalArgumentException(source + ": '" + where + "' token '" + token + "' has id " + id
                    + ", not a whole number from 0 to " + MAX_TOKEN_ID);
        }
        return id.intValue();
    }

    /** The model's own pieces, by id, in the file's order (of pieces that share an id, the last). */
    public Map<Integer, String> pieces() {
        return pieces;
    }

    /**
     * The ids of the model's own pieces, in the file's order: every piece, also those that share an id with
     * another, as Hugging Face's tokenizers look them up (of a Unigram piece listed twice, the last id).
     */
    public Map<String, Integer> ids() {
        return ids;
    }

    /** The added tokens, in the file's order. */
    public List<AddedToken> addedTokens() {
        return addedTokens;
    }

    /** One more than the largest id of a piece or an added token. */
    public int size() {
        return size;
    }

    /** Whether {@code model.vocab} is a Unigram list (ids by position) rather than a piece-to-id object. */
    public boolean unigram() {
        return unigram;
    }

    /** {@code model.byte_fallback}: SentencePiece's {@code <0xNN>} pieces stand for raw bytes. */
    public boolean byteFallback() {
        return root.path("model").path("byte_fallback").asBoolean(false);
    }

    /** The {@code decoder} section (a missing node when absent). */
    public JsonNode decoder() {
        return root.path("decoder");
    }

    /** The {@code pre_tokenizer} section (a missing node when absent). */
    public JsonNode preTokenizer() {
        return root.path("pre_tokenizer");
    }
}
