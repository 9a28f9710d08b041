package dev.titans4j.t2.constrain;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.BitSet;

/**
 * Per-request state of a constrained generation: which tokens may come next, and advancing by the chosen one.
 * Not thread-safe (one per request); the compiled grammar and mask cache behind it are shared.
 *
 * <p>Per decode step: {@link #maskLogits(float[])} (or {@link #allowedTokens(BitSet)}), sample, then
 * {@link #accept(int)}. Stop when an end-of-sequence token was accepted or {@link #isFinished()}.
 */
public final class ConstrainedDecoder {

    /**
     * Parses followed in parallel after a token, at most. Nested anyOf alternatives that share their first
     * members double the parses per nesting level; beyond this bound the earliest are kept, and the one that
     * closes soonest (a token budget's closing counts on it). Each kept parse can still finish, so the output stays
     * valid; only the dropped alternatives' continuations are lost.
     */
    static final int MAX_PARSES = 512;

    private final MaskEngine engine;
    private final TokenVocabulary vocab;
    private final ByteArrayOutputStream text = new ByteArrayOutputStream();
    private ParseState state;
    private boolean eosAccepted;
    private long[] currentMask; // text-token mask of the current state, fetched at most once per step
    private boolean shortenedToFit;

    ConstrainedDecoder(MaskEngine engine, ParseState initial) {
        this.engine = engine;
        this.vocab = engine.vocabulary();
        this.state = initial;
    }

    /** Clears {@code out} and sets the ids of every token allowed next (end-of-sequence ids only if complete). */
    public void allowedTokens(BitSet out) {
        out.clear();
        if (eosAccepted) {
            return;
        }
        out.or(BitSet.valueOf(textTokens()));
        if (state.isComplete()) {
            for (int eos : vocab.eosTokenIds()) {
                out.set(eos);
            }
        }
    }

    /**
     * Sets every disallowed logit to negative infinity. {@code logits} may be longer than the vocabulary
     * (padded model heads); the padding ids are disallowed.
     *
     * @throws IllegalStateException if {@link #isFinished()}, or if no token of the vocabulary can continue
     *                               (possible only with vocabularies lacking single-byte tokens)
     */
    public void maskLogits(float[] logits) {
        maskLogits(logits, Integer.MAX_VALUE);
    }

    /**
     * Like {@link #maskLogits(float[])} when at most {@code tokensLeft} tokens (this one included) may still be
     * generated: tokens after which the output could no longer be closed in time are disallowed too, so the value
     * stops growing and closes, and the output is complete when the budget ends. When the budget is already too
     * small for the shortest completion, only tokens that advance it are allowed (the output closes as fast as
     * the vocabulary allows).
     */
    public void maskLogits(float[] logits, int tokensLeft) {
        if (tokensLeft < 1) {
            throw new IllegalArgumentException("tokensLeft must be at least 1, got " + tokensLeft);
        }
        if (logits.length < vocab.size()) {
            throw new IllegalArgumentException("logits has " + logits.length + " entries but the vocabulary has "
                    + vocab.size() + " tokens");
        }
        if (isFinished()) {
            throw new IllegalStateException("the constrained output is finished (" + text()
                    + "); stop generating instead of sampling again");
        }
        long[] words = textTokens();
        if (tokensLeft < Integer.MAX_VALUE) {
            ClosingCosts.Costs costs = engine.closing().costs(state);
            long[] fitting = ClosingCosts.closable(costs, tokensLeft, words,
                    costs.stringBody() ? engine.stringContent() : null);
            if (fitting != words) {
                int preferred = argmax(logits, words);
                if (preferred >= 0 && (fitting[preferred >>> 6] & (1L << preferred)) == 0) {
                    shortenedToFit = true; // the budget overrode the model's own choice
                }
                words = fitting;
            }
        }
        boolean complete = state.isComplete();
        if (!complete && isEmpty(words)) {
            throw new IllegalStateException("no token of this vocabulary can continue the constrained output after: "
                    + text() + " (the vocabulary lacks the single-byte tokens the grammar needs here)");
        }
        float[] eosLogits = null;
        int[] eosIds = vocab.eosTokenIds();
        if (complete) {
            eosLogits = new float[eosIds.length];
            for (int i = 0; i < eosIds.length; i++) {
                eosLogits[i] = logits[eosIds[i]];
            }
        }
        for (int w = 0, base = 0; base < logits.length; w++, base += 64) {
            long bits = w < words.length ? words[w] : 0L;
            int end = Math.min(base + 64, logits.length);
            if (bits == 0) {
                java.util.Arrays.fill(logits, base, end, Float.NEGATIVE_INFINITY);
            } else if (bits != -1L) {
                for (int i = base; i < end; i++) {
                    if ((bits & (1L << (i - base))) == 0) {
                        logits[i] = Float.NEGATIVE_INFINITY;
                    }
                }
            }
        }
        if (complete) {
            for (int i = 0; i < eosIds.length; i++) {
                logits[eosIds[i]] = eosLogits[i];
            }
        }
    }

    /** The most likely text token among {@code allowed}, or -1; an end-of-sequence that may come wins over text. */
    private int argmax(float[] logits, long[] allowed) {
        int best = -1;
        for (int w = 0; w < allowed.length; w++) {
            for (long bits = allowed[w]; bits != 0; bits &= bits - 1) {
                int id = (w << 6) + Long.numberOfTrailingZeros(bits);
                if (best < 0 || logits[id] > logits[best]) {
                    best = id;
                }
            }
        }
        if (state.isComplete()) {
            for (int eos : vocab.eosTokenIds()) {
                if (best < 0 || logits[eos] >= logits[best]) {
                    return -1; // the model would end here anyway
                }
            }
        }
        return best;
    }

    private long[] textTokens() {
        if (currentMask == null) {
            currentMask = engine.textTokens(state);
        }
        return currentMask;
    }

    private static boolean isEmpty(long[] words) {
        for (long w : words) {
            if (w != 0) {
                return false;
            }
        }
        return true;
    }

    /** True when {@code tokenId} may come next. */
    public boolean isAllowed(int tokenId) {
        if (tokenId < 0 || tokenId >= vocab.size() || eosAccepted) {
            return false;
        }
        if (vocab.isEos(tokenId)) {
            return state.isComplete();
        }
        byte[] b = vocab.bytesUnsafe(tokenId);
        return b != null && state.stepAll(b) != null;
    }

    /**
     * Advances by {@code tokenId}.
     *
     * @throws IllegalArgumentException if the token is not allowed here (the state is left unchanged)
     */
    public void accept(int tokenId) {
        if (tokenId < 0 || tokenId >= vocab.size()) {
            throw new IllegalArgumentException("token id " + tokenId + " outside vocabulary of size " + vocab.size());
        }
        if (eosAccepted) {
            throw new IllegalArgumentException("token " + tokenId + " after end of sequence");
        }
        if (vocab.isEos(tokenId)) {
            if (!state.isComplete()) {
                throw new IllegalArgumentException("end-of-sequence token " + tokenId
                        + " before the constrained output is complete; output so far: " + text());
            }
            eosAccepted = true;
            return;
        }
        byte[] b = vocab.bytesUnsafe(tokenId);
        if (b == null) {
            throw new IllegalArgumentException("special token " + tokenId + " is never allowed in constrained output");
        }
        ParseState next = state.stepAll(b);
        if (next == null) {
            throw new IllegalArgumentException("token " + tokenId + " " + JsonText.quote(vocab.tokenText(tokenId))
                    + " would make the output invalid after: " + text());
        }
        // only between tokens: a mask, computed from this state, then agrees with what accept takes
        state = next.limited(MAX_PARSES);
        currentMask = null;
        text.write(b, 0, b.length);
    }

    /** True when the bytes so far form a complete value (end-of-sequence is allowed). */
    public boolean isComplete() {
        return eosAccepted || state.isComplete();
    }

    /**
     * True when generation must stop: end-of-sequence accepted, or the output is complete and either no text
     * token may follow or the vocabulary has no end-of-sequence token to end it otherwise.
     */
    public boolean isFinished() {
        if (eosAccepted || state.isExhausted()) {
            return true;
        }
        return state.isComplete() && (vocab.eosTokenIds().length == 0 || isEmpty(textTokens()));
    }

    /**
     * True when a token budget ({@link #maskLogits(float[], int)}) overrode the model: at some step the token it
     * ranked first was disallowed because the output could not have closed in time after it. The value is valid
     * but shorter than the model would have written.
     */
    public boolean shortenedToFit() {
        return shortenedToFit;
    }

    /**
     * Tokens of the shortest way to complete the output from here (longest-match tokenization of the shortest
     * completion: an upper bound, exact in practice), or -1 when the grammar cannot say.
     */
    public int tokensToClose() {
        return engine.closing().cost(state);
    }

    /** The current automaton state (tests of the closing costs). */
    ParseState state() {
        return state;
    }

    /** The text accepted so far. */
    public String text() {
        return text.toString(StandardCharsets.UTF_8);
    }
}
