package dev.titans4j.t2.constrain;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A small byte trie over a fixed set of byte strings (enum values with their quotes, object keys,
 * {@code true}/{@code false}, literal prefixes). Each entry carries an int value (e.g. a property index).
 * Compared by identity: a trie is a compiled grammar constant.
 */
final class LiteralTrie {

    private final List<int[]> children = new ArrayList<>(); // per node: 256 child ids, -1 = none
    private final List<Integer> values = new ArrayList<>();  // per node: entry value or -1
    private final List<Integer> childCounts = new ArrayList<>();

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
            int next = children.get(node)[b];
            if (next < 0) {
                next = newNode();
                children.get(node)[b] = next;
                childCounts.set(node, childCounts.get(node) + 1);
            }
            node = next;
        }
        if (values.get(node) >= 0) {
            throw new IllegalArgumentException("duplicate literal: " + new String(bytes, StandardCharsets.UTF_8));
        }
        values.set(node, value);
    }

    private int newNode() {
        int[] c = new int[256];
        Arrays.fill(c, -1);
        children.add(c);
        values.add(-1);
        childCounts.add(0);
        return children.size() - 1;
    }

    int root() {
        return 0;
    }

    int child(int node, int b) {
        return children.get(node)[b];
    }

    /** The entry value ending at {@code node}, or -1. */
    int value(int node) {
        return values.get(node);
    }

    boolean isLeaf(int node) {
        return childCounts.get(node) == 0;
    }
}
