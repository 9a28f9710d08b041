package dev.titans4j.bench.recall.memory;

/**
 * The single token estimator of the recall benchmark, used for every memory so budgets compare:
 * {@code tokens = ceil(words × 1.3)}, where words are the whitespace-separated pieces of the injected text
 * (the chat message text, speaker prefix included). It needs no tokenizer, so any memory, whatever model it uses,
 * is charged the same for the same text.
 */
public final class TokenEstimator {

    private TokenEstimator() {
    }

    public static int estimate(String text) {
        return tokensForWords(countWords(text));
    }

    /** {@code ceil(words × 1.3)} in exact integer arithmetic (1.3 is not exact in binary floating point). */
    public static int tokensForWords(int words) {
        return (words * 13 + 9) / 10;
    }

    public static int countWords(String text) {
        int words = 0;
        boolean inWord = false;
        for (int i = 0; i < text.length(); i++) {
            boolean space = Character.isWhitespace(text.charAt(i));
            if (!space && !inWord) {
                words++;
            }
            inWord = !space;
        }
        return words;
    }
}
