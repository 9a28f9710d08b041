package dev.titans4j.t2.constrain;

/**
 * Per-vocabulary facts for the commonest and costliest mask: inside a JSON string body. A token made only of
 * string content (no {@code "}, no {@code \}, no control bytes, a valid UTF-8 prefix) is allowed there whatever
 * surrounds the string, as long as its byte cost fits the string's budget; only tokens that leave the string
 * ({@code "}) or start an escape ({@code \}) need the automaton. Computed once by running the string automaton
 * itself over the token trie.
 */
final class StringContentIndex {

    /**
     * {@code plainUpTo[c]}: content tokens whose cost (bytes taken from a string's budget, including bytes
     * reserved for a character split across tokens) is at most {@code c}, as BitSet words.
     */
    final long[][] plainUpTo;
    final int maxCost;
    /** Content tokens that end on a character boundary (no split character owed after them), as BitSet words. */
    final long[] plainWhole;
    /** Trie nodes reached by string content with no split character, that have a {@code "} or {@code \} edge. */
    final int[] exitNodes;
    /** Bytes from the root to each exit node. */
    final int[] exitDepths;
    final int maxExitDepth;

    private static final int HUGE = Integer.MAX_VALUE / 2;

    StringContentIndex(TokenTrie trie, int vocabSize) {
        int[] cost = new int[vocabSize];
        java.util.Arrays.fill(cost, -1);
        int words = (vocabSize + 63) >>> 6;
        long[] whole = new long[words];
        IntList exits = new IntList();
        IntList depths = new IntList();
        int[] max = {0};
        // iterative DFS: (node, depth, frame)
        java.util.ArrayDeque<Object[]> stack = new java.util.ArrayDeque<>();
        stack.push(new Object[] {0, 0, new StringGrammar.Chars(StringGrammar.BODY, HUGE, 0, 0, 0)});
        Frame[] result = new Frame[1];
        Stack.Sink capture = s -> result[0] = s.isEmpty() ? null : s.top;
        while (!stack.isEmpty()) {
            Object[] item = stack.pop();
            int node = (Integer) item[0];
            int depth = (Integer) item[1];
            StringGrammar.Chars at = (StringGrammar.Chars) item[2];
            boolean exit = false;
            for (int e = trie.childStart[node]; e < trie.childStart[node + 1]; e++) {
                int b = trie.edgeLabel[e] & 0xFF;
                if ((b == '"' || b == '\\') && at.phase() == StringGrammar.BODY) {
                    exit = true;
                    continue;
                }
                result[0] = null;
                at.step(b, Stack.EMPTY, capture);
                if (!(result[0] instanceof StringGrammar.Chars next) || next.phase() == StringGrammar.ESCAPE) {
                    continue;
                }
                int child = trie.edgeTarget[e];
                int c = HUGE - next.left();
                for (int t = trie.tokenStart[child]; t < trie.tokenStart[child + 1]; t++) {
                    int id = trie.tokens[t];
                    cost[id] = c;
                    max[0] = Math.max(max[0], c);
                    if (next.phase() == StringGrammar.BODY) {
                        whole[id >>> 6] |= 1L << id;
                    }
                }
                stack.push(new Object[] {child, depth + 1, next});
            }
            if (exit) {
                exits.add(node);
                depths.add(depth);
            }
        }
        this.maxCost = max[0];
        this.plainWhole = whole;
        this.plainUpTo = new long[maxCost + 1][words];
        for (int id = 0; id < vocabSize; id++) {
            for (int c = Math.max(cost[id], 0); cost[id] >= 0 && c <= maxCost; c++) {
                plainUpTo[c][id >>> 6] |= 1L << id;
            }
        }
        this.exitNodes = exits.toArray();
        this.exitDepths = depths.toArray();
        this.maxExitDepth = java.util.Arrays.stream(exitDepths).max().orElse(0);
    }

    private static final class IntList {
        int[] a = new int[256];
        int n;

        void add(int v) {
            if (n == a.length) {
                a = java.util.Arrays.copyOf(a, n * 2);
            }
            a[n++] = v;
        }

        int[] toArray() {
            return java.util.Arrays.copyOf(a, n);
        }
    }
}
