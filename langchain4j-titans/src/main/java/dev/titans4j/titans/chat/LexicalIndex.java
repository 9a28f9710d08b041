package dev.titans4j.titans.chat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Okapi BM25 (k1 = 1.2, b = 0.75) over the archived segments, the lexical signal fused with the neural read.
 * Terms: lower-cased letter/digit runs, English stop words removed, a final "s" and a possessive "'s" or "’s"
 * stripped. The index is derived from the archive text and rebuilt on load, so it is never persisted.
 */
final class LexicalIndex {

    private static final double K1 = 1.2;
    private static final double B = 0.75;
    private static final Set<String> STOP_WORDS = Set.of("a", "an", "and", "are", "as", "at", "be", "but", "by",
            "for", "if", "in", "into", "is", "it", "no", "not", "of", "on", "or", "such", "that", "the", "their",
            "then", "there", "these", "they", "this", "to", "was", "will", "with", "what", "where", "who", "whom",
            "which", "when", "how", "why", "do", "does", "did", "i", "you", "he", "she", "we", "me", "my", "your",
            "his", "her", "its", "our", "them", "him", "am", "were", "been", "has", "have", "had", "so", "can",
            "would", "should", "could", "from", "about", "up", "out", "all", "any", "some", "than", "too", "very");

    /** Per segment id: its distinct terms; per term: the segments holding it and how often. */
    private final Map<Long, Set<String>> documents = new HashMap<>();
    private final Map<Long, Integer> lengths = new HashMap<>();
    private final Map<String, Map<Long, Integer>> postings = new HashMap<>();
    private long totalLength;

    void add(long id, String text) {
        List<String> terms = terms(text);
        Map<String, Integer> tf = new HashMap<>();
        for (String t : terms) {
            tf.merge(t, 1, Integer::sum);
        }
        remove(id);
        documents.put(id, tf.keySet());
        lengths.put(id, terms.size());
        totalLength += terms.size();
        tf.forEach((t, f) -> postings.computeIfAbsent(t, k -> new HashMap<>()).put(id, f));
    }

    void remove(long id) {
        Set<String> terms = documents.remove(id);
        if (terms == null) {
            return;
        }
        totalLength -= lengths.remove(id);
        for (String t : terms) {
            Map<Long, Integer> list = postings.get(t);
            list.remove(id);
            if (list.isEmpty()) {
                postings.remove(t);
            }
        }
    }

    /** BM25 score of every segment sharing a term with {@code query}; segments sharing none are absent. */
    Map<Long, Double> score(String query) {
        return score(terms(query));
    }

    /** BM25 score of every segment holding one of {@code queryTerms} (as {@link #terms} gives them). */
    Map<Long, Double> score(java.util.Collection<String> queryTerms) {
        Map<Long, Double> scores = new HashMap<>();
        int n = documents.size();
        if (n == 0) {
            return scores;
        }
        double avgLength = Math.max(1.0, (double) totalLength / n);
        for (String term : new java.util.LinkedHashSet<>(queryTerms)) {
            Map<Long, Integer> list = postings.get(term);
            if (list == null) {
                continue;
            }
            int df = list.size();
            double idf = Math.log(1 + (n - df + 0.5) / (df + 0.5));
            for (Map.Entry<Long, Integer> posting : list.entrySet()) {
                int f = posting.getValue();
                double norm = K1 * (1 - B + B * lengths.get(posting.getKey()) / avgLength);
                scores.merge(posting.getKey(), idf * f * (K1 + 1) / (f + norm), Double::sum);
            }
        }
        return scores;
    }

    static List<String> terms(String text) {
        List<String> terms = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        String lower = text.toLowerCase(Locale.ROOT);
        for (int i = 0; i <= lower.length(); i++) {
            char c = i < lower.length() ? lower.charAt(i) : ' ';
            if (Character.isLetterOrDigit(c)) {
                current.append(c);
            } else if (possessive(lower, i)) {
                i++;
                flush(current, terms);
            } else {
                flush(current, terms);
            }
        }
        return terms;
    }

    /** Whether {@code 's} (or {@code ’s}) at {@code i} ends a word: not the quote before 'Samarkand'. */
    private static boolean possessive(String text, int i) {
        char c = i < text.length() ? text.charAt(i) : ' ';
        return (c == '\'' || c == '\u2019') && i + 1 < text.length() && text.charAt(i + 1) == 's'
                && (i + 2 == text.length() || !Character.isLetterOrDigit(text.charAt(i + 2)));
    }

    private static void flush(StringBuilder current, List<String> terms) {
        if (current.isEmpty()) {
            return;
        }
        String term = current.toString();
        current.setLength(0);
        if (STOP_WORDS.contains(term)) {
            return;
        }
        if (term.length() > 3 && term.endsWith("s") && !term.endsWith("ss")) {
            term = term.substring(0, term.length() - 1);
        }
        terms.add(term);
    }
}
