package dev.titans4j.t2.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;

/** The check every reader of a {@code tokenizer.json} applies to an id before it sizes or indexes an array. */
public final class TokenIds {

    /** Far above any real vocabulary (the largest have a few hundred thousand tokens). */
    public static final int MAX_TOKEN_ID = (1 << 24) - 1;

    private TokenIds() {
    }

    /**
     * The id {@code id} that {@code where} (e.g. "model.vocab") of {@code file} gives {@code token}.
     *
     * @throws IllegalArgumentException naming the file, the token and the id unless it is a whole number from 0 to
     *                                  {@link #MAX_TOKEN_ID}
     */
    public static int require(Object file, String where, String token, JsonNode id) {
        if (!id.isIntegralNumber() || !id.canConvertToInt() || id.intValue() < 0 || id.intValue() > MAX_TOKEN_ID) {
            throw new IllegalArgumentException(file + ": " + where + " gives token '" + token + "' the id " + id
                    + "; token ids are whole numbers from 0 to " + MAX_TOKEN_ID);
        }
        return id.intValue();
    }

    /** A Unigram vocabulary entry's piece; the entry must be a {@code ["piece", score]} pair. */
    public static String unigramPiece(Object file, int index, JsonNode entry) {
        if (!entry.isArray() || !entry.path(0).isTextual()) {
            throw new IllegalArgumentException(file + ": model.vocab entry " + index + " is " + entry
                    + ", not a [\"piece\", score] pair");
        }
        return entry.get(0).textValue();
    }
}
