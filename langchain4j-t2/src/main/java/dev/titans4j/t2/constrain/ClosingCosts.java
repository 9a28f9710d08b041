package dev.titans4j.t2.constrain;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How many tokens it takes to close a constrained output, so that a generation with a token cap can stop growing
 * its value in time and close it, instead of being cut off invalid. The cost of a state is the number of tokens
 * of its shortest completion (the canonical one of {@link Frame#appendShortestEnd}), tokenized by longest match:
 * an upper bound on the tokens needed, and along that completion it falls by exactly one per token, so a
 * generation that only takes tokens whose next state still fits its remaining budget can always finish.
 *
 * <p>Costs are cached per state with budgets clamped as for masks (a completion never depends on the budgets).
 * One per {@link MaskEngine}; thread-safe.
 */
final class ClosingCosts {

    /** No completion is known (a schema this closing does not cover): the budget cannot be enforced there. */
    static final int UNKNOWN = -1;
    /** What one string-content token can add to the closing: at most three owed bytes of a split character. */
    private static final int SPLIT_CHARACTER_BYTES = 3;

    private final MaskEngine masks;
    private final TokenVocabulary vocab;
    private final TokenTrie trie;
    private final int clampCap;
    private final Map<ParseState, Costs> cache;

    /**
     * The closing costs around one state: its own, and for every allowed token that is not plain string content
     * the cost after it ({@code worst}: the largest of those and of what plain content may add).
     */
    record Costs(int now, int[] tokens, int[] after, boolean stringBody, int worst) {
    }

    ClosingCosts(MaskEngine masks, int clampCap, int maxCached) {
        this.masks = masks;
        this.vocab = masks.vocabulary();
        this.trie = vocab.trie();
        this.clampCap = clampCap;
        this.cache = new LinkedHashMap<>(64, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<ParseState, Costs> eldest) {
                return size() > maxCached;
            }
        };
    }

    /** Tokens of the shortest completion of {@code state}, or {@link #UNKNOWN}. */
    int cost(ParseState state) {
        byte[] completion = state.shortestCompletion();
        if (completion == null) {
            return UNKNOWN;
        }
        return completion.length == 0 ? 0 : trie.greedyTokenCount(completion);
    }

    Costs costs(ParseState state) {
        ParseState key = state.clamped(clampCap);
        synchronized (cache) {
            Costs hit = cache.get(key);
            if (hit != null) {
                return hit;
            }
        }
        Costs computed = compute(key);
        synchronized (cache) {
            cache.put(key, computed);
        }
        return computed;
    }

    private Costs compute(ParseState state) {
        int now = cost(state);
        if (now == UNKNOWN) {
            return new Costs(UNKNOWN, new int[0], new int[0], false, 0);
        }
        long[] allowed = masks.textTokens(state);
        boolean stringBody = inStringBody(state);
        long[] plain = stringBody ? plainContent(masks.stringContent()) : null;
        List<int[]> checked = new ArrayList<>();
        // many tokens lead to the same state up to budgets (every '"'+content token at a value, say): cost it once
        Map<ParseState, Integer> costAfter = new HashMap<>();
        int worst = stringBody ? now + SPLIT_CHARACTER_BYTES : now;
        for (int w = 0; w < allowed.length; w++) {
            long bits = allowed[w] & (plain == null ? -1L : ~plain[w]);
            while (bits != 0) {
                int id = (w << 6) + Long.numberOfTrailingZeros(bits);
                bits &= bits - 1;
                ParseState next = state.stepAll(vocab.bytesUnsafe(id));
                int after = next == null ? UNKNOWN : costAfter.computeIfAbsent(next.clamped(clampCap), this::cost);
                int effective = after == UNKNOWN ? Integer.MAX_VALUE : after;
                checked.add(new int[] {id, effective});
                worst = Math.max(worst, effective);
            }
        }
        int[] tokens = new int[checked.size()];
        int[] after = new int[checked.size()];
        for (int i = 0; i < tokens.length; i++) {
            tokens[i] = checked.get(i)[0];
            after[i] = checked.get(i)[1];
        }
        return new Costs(now, tokens, after, stringBody, worst);
    }

    private static long[] plainContent(StringContentIndex strings) {
        return strings.plainUpTo[strings.maxCost];
    }

    private static boolean inStringBody(ParseState state) {
        for (Stack s : state.stacks()) {
            if (!(s.top instanceof StringGrammar.Chars c) || c.phase() != StringGrammar.BODY) {
                return false;
            }
        }
        return true;
    }

    /**
     * {@code allowed} without the tokens after which the output could no longer close within
     * {@code tokensLeft - 1} tokens: {@code allowed} itself when none is removed, else a copy. Never removes the
     * tokens that make progress on the completion: when even that does not fit, the output closes as fast as it
     * can.
     */
    static long[] closable(Costs costs, int tokensLeft, long[] allowed, StringContentIndex strings) {
        if (costs.now() == UNKNOWN) {
            return allowed;
        }
        int room = Math.max(tokensLeft - 1, costs.now() - 1);
        if (room >= costs.worst()) {
            return allowed;
        }
        long[] kept = allowed.clone();
        boolean removed = removeUnclosable(costs, room, kept, strings);
        return removed ? kept : allowed;
    }

    private static boolean removeUnclosable(Costs costs, int room, long[] allowed, StringContentIndex strings) {
        boolean removed = false;
        if (costs.stringBody() && room < costs.now() + SPLIT_CHARACTER_BYTES) {
            // content that ends a character leaves the closing as it is; content that splits one adds its owed bytes
            long[] plain = plainContent(strings);
            for (int w = 0; w < allowed.length; w++) {
                long drop = plain[w] & (room >= costs.now() ? ~strings.plainWhole[w] : -1L);
                removed |= (allowed[w] & drop) != 0;
                allowed[w] &= ~drop;
            }
        }
        for (int i = 0; i < costs.tokens().length; i++) {
            if (costs.after()[i] > room) {
                int id = costs.tokens()[i];
                removed |= (allowed[id >>> 6] & (1L << id)) != 0;
                allowed[id >>> 6] &= ~(1L << id);
            }
        }
        return removed;
    }
}
