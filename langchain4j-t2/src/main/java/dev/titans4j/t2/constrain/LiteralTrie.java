package dev.titans4j.t2.constrain;


import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A small byte trie over a fixed set of byte strings (enum values with their quotes, object keys,
 * {@code true}/{@code false}, literal prefixes). Each entry carries an int value (e.g. a property index).
 * Nodes keep sparse edge lists (literal tries branch little), so large key sets stay small. Compared by
 * identity: a trie is a compiled grammar constant.
 */
final class LiteralTrie {

    private static final int[] NO_EDGES = new int[0];

    private final List<int[]> edges = new ArrayList<>();    // per node: packed (byte << 24 | child) entries
    private final List<Integer> values = new ArrayList<>(); // per node: entry value or -1

    LiteralTrie() {
        newNode();
    }

    static LiteralTrie of(List<String> entries) {
        LiteralTrie t = new LiteralTrie();
        for (int i = 0; i < entries.size(); i++) {
            t.add(entries.get(i).getBytes(StandardCharsets.UTF_8), i);
        }
        return t;
    }

    void add(byte[] bytes, int value) {
        if (bytes.length == 0) {
            throw new IllegalArgumentException("empty literal");
        }
        int node = 0;
        for (byte x : bytes) {
            int b = x & 0xFF;
            int next = child(node, b);
            if (next < 0) {
                next = newNode();
                int[] e = edges.get(node);
                e = Arrays.copyOf(e, e.length + 1);
                e[e.length - 1] = (b << 24) | next;
                edges.set(node, e);
            }
            node = next;
        }
        if (values.get(node) >= 0) {
            throw new IllegalArgumentException("duplicate literal: " + new String(bytes, StandardCharsets.UTF_8));
        }
        values.set(node, value);
    }

    private int newNode() {
        edges.add(NO_EDGES);
        values.add(-1);
        return edges.size() - 1;
    }

    int root() {
        return 0;
    }

    /** The node reached from {@code node} over byte {@code b}, or -1. */
    int child(int node, int b) {
        for (int e : edges.get(node)) {
            if (e >>> 24 == b) {
                return e & 0xFFFFFF;
            }
        }
        return -1;
    }

    /** The entry value ending at {@code node}, or -1. */
    int value(int node) {
        return values.get(node);
    }

    boolean isLeaf(int node) {
        return edges.get(node).length == 0;
    }

    /** The bytes from {@code node} to the nearest entry (the shortest; the first added on ties). */
    byte[] shortestFrom(int node) {
        byte[][] best = {null};
        int[] bestValue = {Integer.MAX_VALUE};
        forEachEntry(node, (value, rest) -> {
            if (best[0] == null || rest.length < best[0].length
                    || (rest.length == best[0].length && value < bestValue[0])) {
                best[0] = rest;
                bestValue[0] = value;
            }
        });
        return best[0];
    }

    /** Every entry reachable from {@code node}, with the bytes that lead there from it. */
    void forEachEntry(int node, EntryVisitor visitor) {
        visit(node, new byte[0], visitor);
    }

    private void visit(int node, byte[] path, EntryVisitor visitor) {
        if (values.get(node) >= 0) {
            visitor.entry(values.get(node), path);
        }
        for (int e : edges.get(node)) {
            byte[] longer = Arrays.copyOf(path, path.length + 1);
            longer[path.length] = (byte) (e >>> 24);
            visit(e & 0xFFFFFF, longer, visitor);
        }
    }

    /** Receives an entry's value and the bytes from the start node to it. */
    interface EntryVisitor {
        void entry(int value, byte[] bytes);
    }
}
