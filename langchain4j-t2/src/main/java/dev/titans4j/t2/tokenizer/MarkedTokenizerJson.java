package dev.titans4j.t2.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.Iterator;
import java.util.Set;

/**
 * Writes the {@code tokenizer.json} of the marked tokenizer ({@link ModelTokenizer#encodePrompt}): every special
 * token's string carries {@link SpecialTokenQuoting#MARK}, in the added tokens and in the model's vocabulary (where
 * SentencePiece conversions also list {@code <s>}), so that only marked markup matches them and unmarked text is
 * tokenized as text.
 */
final class MarkedTokenizerJson {

    private static final ObjectMapper JSON = new ObjectMapper();

    private MarkedTokenizerJson() {
    }

    /** {@code json} (a tokenizer.json) with the strings of {@code specials} marked. */
    static byte[] rewrite(byte[] json, Set<String> specials) throws IOException {
        ObjectNode root = (ObjectNode) JSON.readTree(json);
        for (JsonNode added : root.path("added_tokens")) {
            if (added.path("special").asBoolean(false)) {
                ((ObjectNode) added).put("content", SpecialTokenQuoting.MARK + added.path("content").asText());
            }
        }
        JsonNode model = root.path("model");
        JsonNode vocab = model.path("vocab");
        // BPE, WordPiece and WordLevel name their unknown token by its string: it follows the renamed piece
        JsonNode unk = model.path("unk_token");
        if (unk.isTextual() && specials.contains(unk.textValue()) && model instanceof ObjectNode modelObject) {
            modelObject.put("unk_token", SpecialTokenQuoting.MARK + unk.textValue());
        }
        if (vocab instanceof ObjectNode object) {
            specials.stream().filter(object::has).forEach(token ->
                    object.set(SpecialTokenQuoting.MARK + token, object.remove(token)));
        } else if (vocab instanceof ArrayNode array) {
            for (JsonNode piece : array) {
                if (specials.contains(piece.path(0).asText())) {
                    ((ArrayNode) piece).set(0, SpecialTokenQuoting.MARK + piece.path(0).asText());
                }
            }
        }
        // a BPE must not merge text into a renamed piece, and could not load with merges that name one
        if (model.path("merges") instanceof ArrayNode merges) {
            for (Iterator<JsonNode> it = merges.iterator(); it.hasNext(); ) {
                JsonNode merge = it.next();
                String left = merge.isArray() ? merge.path(0).asText() : merge.asText().split(" ", 2)[0];
                String right = merge.isArray() ? merge.path(1).asText()
                        : merge.asText().substring(Math.min(merge.asText().length(), left.length() + 1));
                if (specials.contains(left) || specials.contains(right)
                        || specials.contains(left + right)) {
                    it.remove();
                }
            }
        }
        return JSON.writeValueAsBytes(root);
    }
}
