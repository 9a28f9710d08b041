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

    private final TokenVocabulary vocab;
    private final TokenTrie trie;
    private final int clampCap;
    private final Map<ParseState, long[]> cache;

    MaskEngine(TokenVocabulary vocab, int maxCachedMasks) {
        this.vocab = vocab;
        this.trie = vocab.trie();
        this.clampCap = vocab.maxTokenBytes() + 8;
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

    /** Allowed text tokens in {@code state} as BitSet words (end-of-sequence tokens not included). */
    long[] textTokens(ParseState state) {
        ParseState key = state.clamped(clampCap);
        synchronized (cache) {
            long[] hit = cache.get(key);
            if (hit != null) {
                return hit;
            }
        }
        long[] words = new long[(vocab.size() + 63) >>> 6];
        walk(0, key, words);
        synchronized (cache) {
            cache.put(key, words);
        }
        return words;
    }

    private void walk(int node, ParseState state, long[] words) {
        int[] childStart = trie.childStart;
        for (int e = childStart[node], end = childStart[node + 1]; e < end; e++) {
            ParseState next = state.step(trie.edgeLabel[e] & 0xFF);
            if (next == null) {
                continue;
            }
            int child = trie.edgeTarget[e];
            for (int t = trie.tokenStart[child], tEnd = trie.tokenStart[child + 1]; t < tEnd; t++) {
                int id = trie.tokens[t];
                words[id >>> 6] |= 1L << id;
            }
            if (trie.childStart[child] < trie.childStart[child + 1]) {
                walk(child, next, words);
            }
        }
    }

    int cachedMasks() {
        synchronized (cache) {
            return cache.size();
        }
    }
}
