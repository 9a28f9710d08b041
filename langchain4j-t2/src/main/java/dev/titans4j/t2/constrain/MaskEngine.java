package dev.titans4j.t2.constrain;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Computes which tokens may come next: walks the vocabulary's byte trie depth-first while stepping the
 * automaton, pruning every prefix the automaton rejects, so a step costs the number of viable prefixes, not
 * the vocabulary size. Masks are cached per state with budgets clamped to the longest token (plus the few
 * bytes a character or escape reserves ahead), under which distinct positions inside a long string or array
 * share one entry. One engine per (constraint, vocabulary); thread-safe.
 */
final class MaskEngine {

    private static final ParseState DEAD = new ParseState();
    private final TokenVocabulary vocab;
    private final TokenTrie trie;
    private final int clampCap;
    private final Map<ParseState, long[]> cache;
    private volatile StringContentIndex strings;
    private final ClosingCosts closing;

    MaskEngine(TokenVocabulary vocab, int maxCachedMasks) {
        this.vocab = vocab;
        this.trie = vocab.trie();
        this.clampCap = vocab.maxTokenBytes() + 8;
        this.closing = new ClosingCosts(this, clampCap, maxCachedMasks);
        this.cache = new LinkedHashMap<>(64, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<ParseState, long[]> eldest) {
                return size() > maxCachedMasks;
            }
        };
    }

    TokenVocabulary vocabulary() {
        return vocab;
    }

    ClosingCosts closing() {
        return closing;
    }

    /** The string-content tables (for the closing costs). */
    StringContentIndex stringContent() {
        return strings();
    }

    /**
     * Allowed text tokens in {@code state} as BitSet words (end-of-sequence tokens not included). The array is
     * shared through the cache: read it, never write it.
     */
    long[] textTokens(ParseState state) {
        ParseState key = state.clamped(clampCap);
        synchronized (cache) {
            long[] hit = cache.get(key);
            if (hit != null) {
                return hit;
            }
        }
        long[] words = new long[(vocab.size() + 63) >>> 6];
        // a token is allowed iff some configuration accepts it: the mask is the union over configurations
        for (Stack s : key.stacks()) {
            if (s.top instanceof StringGrammar.Chars c && c.phase() == StringGrammar.BODY) {
                stringBody(c.left(), s.rest, words);
            } else {
                walk(0, new ParseState(s), words);
            }
        }
        synchronized (cache) {
            cache.put(key, words);
        }
        return words;
    }

    /** Inside a string body: content tokens by table, the rest by walking on from each exit node. */
    private void stringBody(int left, Stack rest, long[] words) {
        StringContentIndex index = strings();
        long[] plain = index.plainUpTo[Math.min(left, index.maxCost)];
        for (int w = 0; w < words.length; w++) {
            words[w] |= plain[w];
        }
        // the state at an exit node depends only on its depth: memoize the step over '"' and '\\' per depth
        ParseState[] afterQuote = new ParseState[index.maxExitDepth + 1];
        ParseState[] afterBackslash = new ParseState[index.maxExitDepth + 1];
        for (int x = 0; x < index.exitNodes.length; x++) {
            int depth = index.exitDepths[x];
            if (depth > left) {
                continue;
            }
            int node = index.exitNodes[x];
            for (int e = trie.childStart[node], end = trie.childStart[node + 1]; e < end; e++) {
                int b = trie.edgeLabel[e] & 0xFF;
                if (b != '"' && b != '\\') {
                    continue;
                }
                ParseState[] memo = b == '"' ? afterQuote : afterBackslash;
                if (memo[depth] == null) {
                    memo[depth] = new ParseState(rest.push(
                            new StringGrammar.Chars(StringGrammar.BODY, left - depth, 0, 0, 0))).step(b);
                    if (memo[depth] == null) {
                        memo[depth] = DEAD;
                    }
                }
                if (memo[depth] != DEAD) {
                    visit(trie.edgeTarget[e], memo[depth], words);
                }
            }
        }
    }

    private StringContentIndex strings() {
        StringContentIndex s = strings;
        if (s == null) {
            s = vocab.stringContentIndex();
            strings = s;
        }
        return s;
    }

    private void visit(int child, ParseState next, long[] words) {
        if (next == null) {
            return;
        }
        for (int t = trie.tokenStart[child], tEnd = trie.tokenStart[child + 1]; t < tEnd; t++) {
            int id = trie.tokens[t];
            words[id >>> 6] |= 1L << id;
        }
        if (trie.childStart[child] < trie.childStart[child + 1]) {
            walk(child, next, words);
        }
    }

    private void walk(int node, ParseState state, long[] words) {
        int[] childStart = trie.childStart;
        for (int e = childStart[node], end = childStart[node + 1]; e < end; e++) {
            visit(trie.edgeTarget[e], state.step(trie.edgeLabel[e] & 0xFF), words);
        }
    }
}
