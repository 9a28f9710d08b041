package dev.titans4j.titans.chat;

import java.util.ArrayList;
import java.util.List;

/**
 * The segmentation rule: one message is one segment; a message longer than {@code maxWords} whitespace-separated
 * words is cut into consecutive pieces of at most {@code maxWords} words, each cut placed after the last
 * sentence end (., ! or ?) in the second half of the piece when there is one. Pieces keep the message's sequence
 * number and are numbered by {@code part}.
 */
final class Segmenter {

    private final int maxWords;

    Segmenter(int maxWords) {
        if (maxWords < 1) {
            throw new IllegalArgumentException("maxSegmentWords must be >= 1, got " + maxWords);
        }
        this.maxWords = maxWords;
    }

    List<String> split(String text) {
        String trimmed = text.strip();
        if (trimmed.isEmpty()) {
            return List.of();
        }
        String[] words = trimmed.split("\\s+");
        if (words.length <= maxWords) {
            return List.of(trimmed);
        }
        List<String> pieces = new ArrayList<>();
        int start = 0;
        while (start < words.length) {
            int end = Math.min(words.length, start + maxWords);
            if (end < words.length) {
                for (int i = end - 1; i >= start + maxWords / 2; i--) {
                    if (endsSentence(words[i])) {
                        end = i + 1;
                        break;
                    }
                }
            }
            pieces.add(String.join(" ", java.util.Arrays.copyOfRange(words, start, end)));
            start = end;
        }
        return pieces;
    }

    private static boolean endsSentence(String word) {
        char last = word.charAt(word.length() - 1);
        return last == '.' || last == '!' || last == '?';
    }
}
