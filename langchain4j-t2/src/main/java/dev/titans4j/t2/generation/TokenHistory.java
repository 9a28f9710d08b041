package dev.titans4j.t2.generation;

import java.util.Arrays;

/**
 * The tokens a request has seen, for penalties: which ids occur in the prompt or the output (repetition penalty,
 * as Hugging Face and vLLM apply it to both) and how often each id was generated (frequency and presence
 * penalties, applied to the output only, as vLLM does for the OpenAI parameters).
 *
 * <p>Memory is one int per vocabulary entry; work per token is proportional to the distinct ids seen.
 * One instance per request; not thread-safe.
 */
public final class TokenHistory {

    private final int vocabSize;
    private final int[] generatedCounts;
    private final boolean[] seen;
    private int[] seenIds = new int[64];
    private int seenCount;
    private int[] generatedIds = new int[64];
    private int generatedDistinct;
    private int generatedTotal;

    public TokenHistory(int vocabSize) {
        if (vocabSize <= 0) {
            throw new IllegalArgumentException("vocabSize must be positive, got " + vocabSize);
        }
        this.vocabSize = vocabSize;
        this.generatedCounts = new int[vocabSize];
        this.seen = new boolean[vocabSize];
    }

    /** Records prompt tokens: they count for the repetition penalty, not for frequency/presence. */
    public TokenHistory addPrompt(int[] ids) {
        for (int id : ids) {
            markSeen(check(id));
        }
        return this;
    }

    /** Records one generated token. */
    public void add(int id) {
        check(id);
        markSeen(id);
        if (generatedCounts[id]++ == 0) {
            if (generatedDistinct == generatedIds.length) {
                generatedIds = Arrays.copyOf(generatedIds, generatedDistinct * 2);
            }
            generatedIds[generatedDistinct++] = id;
        }
        generatedTotal++;
    }

    public int vocabSize() {
        return vocabSize;
    }

    /** How often {@code id} was generated. */
    public int generatedCount(int id) {
        return generatedCounts[check(id)];
    }

    /** Whether {@code id} occurs in the prompt or the output. */
    public boolean seen(int id) {
        return seen[check(id)];
    }

    /** Number of generated tokens. */
    public int generatedTokens() {
        return generatedTotal;
    }

    int seenDistinct() {
        return seenCount;
    }

    int seenId(int i) {
        return seenIds[i];
    }

    int generatedDistinct() {
        return generatedDistinct;
    }

    int generatedId(int i) {
        return generatedIds[i];
    }

    private void markSeen(int id) {
        if (!seen[id]) {
            seen[id] = true;
            if (seenCount == seenIds.length) {
                seenIds = Arrays.copyOf(seenIds, seenCount * 2);
            }
            seenIds[seenCount++] = id;
        }
    }

    private int check(int id) {
        if (id < 0 || id >= vocabSize) {
            throw new IllegalArgumentException("token id " + id + " is outside the vocabulary (size " + vocabSize + ")");
        }
        return id;
    }
}
