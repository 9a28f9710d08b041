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

    /**
     * Consecutive sentences grouped into passages of at least {@code minWords} words each (a short tail joins the
     * passage before it), so that "Wow!" or "Thanks." gets no key of its own.
     */
    static List<String> passages(String text, int minWords) {
        List<String> passages = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        int words = 0;
        for (String sentence : split(text)) {
            if (!current.isEmpty()) {
                current.append(' ');
            }
            current.append(sentence);
            words += sentence.split("\\s+").length;
            if (words >= minWords) {
                passages.add(current.toString());
                current.setLength(0);
                words = 0;
            }
        }
        if (!current.isEmpty()) {
            if (passages.isEmpty()) {
                passages.add(current.toString());
            } else {
                passages.set(passages.size() - 1, passages.get(passages.size() - 1) + " " + current);
            }
        }
        return passages;
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
