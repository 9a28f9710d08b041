package dev.titans4j.t2.constrain;

import com.fasterxml.jackson.databind.JsonNode;
import dev.titans4j.export.hf.TokenizerJson;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.BitSet;
import java.util.HashMap;
import java.util.Map;

/**
 * Turns the vocabulary of a Hugging Face {@code tokenizer.json} into the exact bytes each token id decodes to. Two conventions:
 * GPT-2 byte-level (every byte mapped to a printable char, e.g. {@code Ġ} = space), and SentencePiece style
 * ({@code ▁} = space, {@code <0xNN>} = one raw byte when byte fallback is on). Added tokens marked
 * {@code special} are control tokens; other added tokens decode to their literal content.
 */
final class TokenizerJsonReader {

    private final Map<String, Integer> ids = new HashMap<>();
    private final byte[][] bytes;
    private final BitSet special = new BitSet();

    TokenizerJsonReader(TokenizerJson file) {
        bytes = new byte[file.size()][];
        boolean byteLevel = mentions(file.decoder(), "ByteLevel") || mentions(file.preTokenizer(), "ByteLevel");
        boolean byteFallback = file.byteFallback() || mentions(file.decoder(), "ByteFallback");
        String spaceMarker = metaspaceReplacement(file);
        file.pieces().forEach((id, piece) -> {
            ids.put(piece, id);
            bytes[id] = byteLevel ? ByteLevel.decode(piece) : sentencePiece(piece, byteFallback, spaceMarker);
        });
        for (TokenizerJson.AddedToken added : file.addedTokens()) {
            ids.put(added.content(), added.id());
            bytes[added.id()] = added.content().getBytes(StandardCharsets.UTF_8);
            special.set(added.id(), added.special());
        }
        for (int i = 0; i < bytes.length; i++) {
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

    private static String metaspaceReplacement(TokenizerJson file) {
        for (JsonNode n : new JsonNode[] {file.decoder(), file.preTokenizer()}) {
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
