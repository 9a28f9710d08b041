package dev.titans4j.titans.chat;

import java.util.ArrayList;
import java.util.List;

/**
 * Cuts a segment into sentences for its sentence keys: a break after '.', '!' or '?' followed by white space and a
 * capital letter, a quote or an opening bracket (so "e.g. this" and "3.5 kg" stay whole). A segment keeps at most
 * {@value #MAX_SENTENCES} sentences; the rest joins the last one. A long fact inside a long message is then found by
 * its own key instead of being averaged away by the message's other sentences.
 */
final class SentenceSplitter {

    static final int MAX_SENTENCES = 16;

    private SentenceSplitter() {
    }

    static List<String> split(String text) {
        List<String> sentences = new ArrayList<>();
        int start = 0;
        int n = text.length();
        for (int i = 0; i < n - 2; i++) {
            char c = text.charAt(i);
            if ((c == '.' || c == '!' || c == '?') && Character.isWhitespace(text.charAt(i + 1))) {
                int next = i + 1;
                while (next < n && Character.isWhitespace(text.charAt(next))) {
                    next++;
                }
                if (next < n && startsSentence(text.charAt(next)) && sentences.size() < MAX_SENTENCES - 1) {
                    add(sentences, text.substring(start, i + 1));
                    start = next;
                    i = next - 1;
                }
            }
        }
        add(sentences, text.substring(start));
        return sentences;
    }

    private static boolean startsSentence(char c) {
        return Character.isUpperCase(c) || c == '"' || c == '[' || c == '(' || c == '\u201C';
    }

    private static void add(List<String> sentences, String s) {
        String t = s.strip();
        if (!t.isEmpty()) {
            sentences.add(t);
        }
    }
}
