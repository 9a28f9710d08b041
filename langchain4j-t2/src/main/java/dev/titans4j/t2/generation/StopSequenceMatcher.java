package dev.titans4j.t2.generation;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Finds stop sequences in streamed text. {@link #push} returns the text that is safe to emit now and holds back any
 * tail that could still grow into a stop sequence; once one is complete, the text before it is emitted and the
 * stop sequence and everything after it are dropped. When stop sequences overlap, the one completed first in the
 * text wins (ties: the longest), whatever the pieces were. Works on text, so a stop sequence may span several tokens.
 *
 * <p>One instance per generation; not thread-safe.
 */
public final class StopSequenceMatcher {

    private final List<String> stopSequences;
    private final int longest;
    private final StringBuilder held = new StringBuilder();
    private String matched;

    /** @param stopSequences non-empty strings; an empty list never stops */
    public StopSequenceMatcher(List<String> stopSequences) {
        Objects.requireNonNull(stopSequences, "stopSequences");
        for (String s : stopSequences) {
            if (s == null || s.isEmpty()) {
                throw new IllegalArgumentException("stop sequences must be non-empty strings, got "
                        + (s == null ? "null" : "\"\"") + " in " + stopSequences);
            }
        }
        this.stopSequences = List.copyOf(stopSequences);
        this.longest = this.stopSequences.stream().mapToInt(String::length).max().orElse(0);
    }

    /** Adds generated text; returns what can be emitted now. After a stop, always returns "". */
    public String push(String piece) {
        Objects.requireNonNull(piece, "piece");
        if (matched != null) {
            return "";
        }
        if (stopSequences.isEmpty()) {
            return piece;
        }
        held.append(piece);
        // The stop that is complete first, as if text arrived one character at a time (so the result does not
        // depend on how the text was cut into pieces); of stops ending at the same place, the longest.
        int stopAt = -1;
        int stopEnd = Integer.MAX_VALUE;
        for (String stop : stopSequences) {
            int at = held.indexOf(stop);
            int end = at + stop.length();
            if (at >= 0 && (end < stopEnd || (end == stopEnd && at < stopAt))) {
                stopAt = at;
                stopEnd = end;
                matched = stop;
            }
        }
        if (stopAt >= 0) {
            String out = held.substring(0, stopAt);
            held.setLength(0);
            return out;
        }
        int keep = longestSuffixThatStartsAStop();
        String out = held.substring(0, held.length() - keep);
        held.delete(0, held.length() - keep);
        return out;
    }

    /** Whether a stop sequence has been seen. */
    public boolean stopped() {
        return matched != null;
    }

    /** The stop sequence that ended generation, if any. */
    public Optional<String> matchedStopSequence() {
        return Optional.ofNullable(matched);
    }

    /** Releases the held-back tail when generation ends without a stop (empty after a stop). */
    public String flush() {
        String out = held.toString();
        held.setLength(0);
        return out;
    }

    private int longestSuffixThatStartsAStop() {
        int max = Math.min(held.length(), longest - 1);
        for (int k = max; k > 0; k--) {
            int from = held.length() - k;
            for (String stop : stopSequences) {
                if (stop.length() > k && regionMatches(from, stop, k)) {
                    return k;
                }
            }
        }
        return 0;
    }

    private boolean regionMatches(int from, String stop, int length) {
        for (int i = 0; i < length; i++) {
            if (held.charAt(from + i) != stop.charAt(i)) {
                return false;
            }
        }
        return true;
    }
}
