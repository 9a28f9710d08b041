package dev.titans4j.t2.constrain;

import java.util.Arrays;
import java.util.Comparator;

/**
 * A byte trie over every usable token of a vocabulary, flattened into arrays. Walking it together with the
 * automaton visits each viable byte prefix once, however many tokens share it.
 */
final class TokenTrie {

    // node n: children are edges childStart[n] .. childStart[n+1]-1; tokens ending at n are
    // tokens[tokenStart[n] .. tokenStart[n+1]-1]
    final int[] childStart;
    final int[] edgeTarget;
    final byte[] edgeLabel;
    final int[] tokenStart;
    final int[] tokens;

    private TokenTrie(Builder b) {
        this.childStart = Arrays.copyOf(b.childStart, b.nodes + 1);
        this.edgeTarget = Arrays.copyOf(b.edgeTarget, b.edges);
        this.edgeLabel = Arrays.copyOf(b.edgeLabel, b.edges);
        this.tokenStart = Arrays.copyOf(b.tokenStart, b.nodes + 1);
        this.tokens = b.tokenIds;
    }

    static TokenTrie build(byte[][] tokenBytes) {
        Integer[] order = java.util.stream.IntStream.range(0, tokenBytes.length)
                .filter(i -> tokenBytes[i] != null && tokenBytes[i].length > 0)
                .boxed().toArray(Integer[]::new);
        Arrays.sort(order, Comparator.comparing(i -> tokenBytes[i], Arrays::compareUnsigned));
        Builder b = new Builder(tokenBytes, order);
        b.build();
        return new TokenTrie(b);
    }

    int nodeCount() {
        return childStart.length - 1;
    }

    /**
     * How many tokens {@code bytes} takes when each step takes the longest token that is a prefix of the rest
     * (an upper bound on the fewest tokens), or -1 when some byte starts no token.
     */
    int greedyTokenCount(byte[] bytes) {
        int count = 0;
        for (int at = 0; at < bytes.length; count++) {
            int node = 0;
            int longest = 0;
            for (int i = at; i < bytes.length; i++) {
                node = child(node, bytes[i]);
                if (node < 0) {
                    break;
                }
                if (tokenStart[node] < tokenStart[node + 1]) {
                    longest = i - at + 1;
                }
            }
            if (longest == 0) {
                return -1;
            }
            at += longest;
        }
        return count;
    }

    private int child(int node, byte label) {
        int lo = childStart[node];
        int hi = childStart[node + 1] - 1;
        while (lo <= hi) { // a node's edges are sorted by unsigned byte
            int mid = (lo + hi) >>> 1;
            int c = Integer.compare(edgeLabel[mid] & 0xFF, label & 0xFF);
            if (c == 0) {
                return edgeTarget[mid];
            }
            if (c < 0) {
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return -1;
    }

    /**
     * Builds nodes breadth-first per level so each node's edges are contiguous. Tokens sorted by bytes make
     * every trie node a contiguous range of the sorted order.
     */
    private static final class Builder {
        final byte[][] bytes;
        final Integer[] order;
        int[] childStart = new int[1024];
        int[] edgeTarget = new int[1024];
        byte[] edgeLabel = new byte[1024];
        int[] tokenStart = new int[1024];
        int[] tokenIds;
        int nodes;
        int edges;
        int tokenCount;
        // pending nodes: [lo, hi, depth]
        int[] queue = new int[3 * 1024];
        int head;
        int tail;

        Builder(byte[][] bytes, Integer[] order) {
            this.bytes = bytes;
            this.order = order;
            this.tokenIds = new int[order.length];
        }

        void build() {
            enqueue(0, order.length, 0);
            while (head < tail) {
                int lo = queue[head];
                int hi = queue[head + 1];
                int depth = queue[head + 2];
                head += 3;
                int node = nodes++;
                ensureNodes(node + 2);
                childStart[node] = edges;
                tokenStart[node] = tokenCount;
                int i = lo;
                while (i < hi && bytes[order[i]].length == depth) {
                    tokenIds[tokenCount++] = order[i++]; // shorter sorts first: tokens ending here
                }
                while (i < hi) {
                    int label = bytes[order[i]][depth] & 0xFF;
                    int j = i;
                    while (j < hi && (bytes[order[j]][depth] & 0xFF) == label) {
                        j++;
                    }
                    ensureEdges(edges + 1);
                    edgeLabel[edges] = (byte) label;
                    edgeTarget[edges] = nodes + (tail - head) / 3; // id it will get when dequeued
                    edges++;
                    enqueue(i, j, depth + 1);
                    i = j;
                }
            }
            childStart[nodes] = edges;
            tokenStart[nodes] = tokenCount;
        }

        private void enqueue(int lo, int hi, int depth) {
            if (tail + 3 > queue.length) {
                if (head > 0) {
                    System.arraycopy(queue, head, queue, 0, tail - head);
                    tail -= head;
                    head = 0;
                }
                if (tail + 3 > queue.length) {
                    queue = Arrays.copyOf(queue, queue.length * 2);
                }
            }
            queue[tail++] = lo;
            queue[tail++] = hi;
            queue[tail++] = depth;
        }

        private void ensureNodes(int n) {
            if (n >= childStart.length) {
                int size = Math.max(n + 1, childStart.length * 2);
                childStart = Arrays.copyOf(childStart, size);
                tokenStart = Arrays.copyOf(tokenStart, size);
            }
        }

        private void ensureEdges(int n) {
            if (n >= edgeTarget.length) {
                int size = Math.max(n + 1, edgeTarget.length * 2);
                edgeTarget = Arrays.copyOf(edgeTarget, size);
                edgeLabel = Arrays.copyOf(edgeLabel, size);
            }
        }
    }
}
