package dev.titans4j.demo;

/**
 * The demo's token estimate, the same for both memories and equal to TitansChatMemory's default:
 * ceil(words × 1.3).
 */
public final class WordTokens {

    private WordTokens() {
    }

    public static int count(String text) {
        String t = text.strip();
        int words = t.isEmpty() ? 0 : t.split("\\s+").length;
        return (words * 13 + 9) / 10;
    }
}
