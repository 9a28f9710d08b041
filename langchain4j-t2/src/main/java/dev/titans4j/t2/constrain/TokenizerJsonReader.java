package dev.titans4j.t2.constrain;

import com.fasterxml.jackson.databind.JsonNode;
import dev.titans4j.t2.tokenizer.TokenIds;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.BitSet;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * Turns a Hugging Face {@code tokenizer.json} into the exact bytes each token id decodes to. Two conventions:
 * GPT-2 byte-level (every byte mapped to a printable char, e.g. {@code Ġ} = space), and SentencePiece style
 * ({@code ▁} = space, {@code <0xNN>} = one raw byte when byte fallback is on). Added tokens marked
 * {@code special} are control tokens; other added tokens decode to their literal content.
 */
final class TokenizerJsonReader {

    private final Map<String, Integer> ids = new HashMap<>();
    private final byte[][] bytes;
    private final BitSet special = new BitSet();

    TokenizerJsonReader(JsonNode root, String source) {
        JsonNode model = root.path("model");
        JsonNode vocab = model.path("vocab");
        if (vocab.isMissingNode()) {
            throw new IllegalArgumentException(source + ": no model.vocab; not a Hugging Face tokenizer.json");
        }
        Map<Integer, String> pieces = new HashMap<>();
        if (vocab.isObject()) { // BPE / WordPiece: {"piece": id}
            for (Iterator<Map.Entry<String, JsonNode>> it = vocab.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                pieces.put(TokenIds.require(source, "model.vocab", e.getKey(), e.getValue()), e.getKey());
            }
        } else if (vocab.isArray()) { // Unigram: [["piece", score], ...]
            for (int i = 0; i < vocab.size(); i++) {
                pieces.put(i, TokenIds.unigramPiece(source, i, vocab.get(i)));
            }
        } else {
            throw new IllegalArgumentException(source + ": model.vocab is neither an object nor an array");
        }
        Map<Integer, JsonNode> added = new HashMap<>();
        for (JsonNode t : root.path("added_tokens")) {
            added.put(TokenIds.require(source, "added_tokens", t.path("content").asText(), t.path("id")), t);
        }
        int size = 0;
        for (int id : pieces.keySet()) {
            size = Math.max(size, id + 1);
        }
        for (int id : added.keySet()) {
            size = Math.max(size, id + 1);
        }
        bytes = new byte[size][];
        boolean byteLevel = mentions(root.path("decoder"), "ByteLevel") || mentions(root.path("pre_tokenizer"), "ByteLevel");
        boolean byteFallback = model.path("byte_fallback").asBoolean(false) || mentions(root.path("decoder"), "ByteFallback");
        String spaceMarker = metaspaceReplacement(root);
        for (Map.Entry<Integer, String> e : pieces.entrySet()) {
            ids.put(e.getValue(), e.getKey());
            bytes[e.getKey()] = byteLevel ? ByteLevel.decode(e.getValue())
                    : sentencePiece(e.getValue(), byteFallback, spaceMarker);
        }
        for (Map.Entry<Integer, JsonNode> e : added.entrySet()) {
            String content = e.getValue().path("content").asText();
            ids.put(content, e.getKey());
            bytes[e.getKey()] = content.getBytes(StandardCharsets.UTF_8);
            if (e.getValue().path("special").asBoolean(false)) {
                special.set(e.getKey());
            }
        }
        for (int i = 0; i < size; i++) {
            if (bytes[i] == null) {
                special.set(i); // an id without a piece never decodes to text
            }
        }
    }

    byte[][] tokenBytes() {
        return bytes;
    }

    BitSet specialTokens() {
        return special;
    }

    Integer idOf(String piece) {
        return ids.get(piece);
    }

    private static byte[] sentencePiece(String piece, boolean byteFallback, String spaceMarker) {
        if (byteFallback && piece.length() == 6 && piece.startsWith("<0x") && piece.endsWith(">")) {
            try {
                return new byte[] {(byte) Integer.parseInt(piece.substring(3, 5), 16)};
            } catch (NumberFormatException notAByteToken) {
                // an ordinary piece that merely looks like one
            }
        }
        return piece.replace(spaceMarker, " ").getBytes(StandardCharsets.UTF_8);
    }

    private static String metaspaceReplacement(JsonNode root) {
        for (JsonNode n : new JsonNode[] {root.path("decoder"), root.path("pre_tokenizer")}) {
            String r = findMetaspace(n);
            if (r != null) {
                return r;
            }
        }
        return "\u2581";
    }

    private static String findMetaspace(JsonNode n) {
        if ("Metaspace".equals(n.path("type").asText()) && n.path("replacement").isTextual()) {
            return n.path("replacement").asText();
        }
        for (JsonNode child : n) {
            String r = findMetaspace(child);
            if (r != null) {
                return r;
            }
        }
        return null;
    }

    private static boolean mentions(JsonNode n, String type) {
        if (type.equals(n.path("type").asText())) {
            return true;
        }
        for (JsonNode child : n) {
            if (mentions(child, type)) {
                return true;
            }
        }
        return false;
    }

    /** GPT-2's reversible byte-to-printable-char table, inverted. */
    static final class ByteLevel {
        private static final int[] CHAR_TO_BYTE = new int[512];

        static {
            java.util.Arrays.fill(CHAR_TO_BYTE, -1);
            int extra = 0;
            for (int b = 0; b < 256; b++) {
                boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
                int c = printable ? b : 256 + extra++;
                CHAR_TO_BYTE[c] = b;
            }
        }

        static byte[] decode(String piece) {
            ByteArrayOutputStream out = new ByteArrayOutputStream(piece.length());
            for (int i = 0; i < piece.length(); i++) {
                char c = piece.charAt(i);
                int b = c < CHAR_TO_BYTE.length ? CHAR_TO_BYTE[c] : -1;
                if (b < 0) { // not from the table: keep the char's own UTF-8
                    byte[] raw = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                    out.write(raw, 0, raw.length);
                } else {
                    out.write(b);
                }
            }
            return out.toByteArray();
        }
    }
}
