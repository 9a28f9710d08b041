package dev.titans4j.t2.constrain;

import java.io.ByteArrayOutputStream;

import java.nio.charset.StandardCharsets;
import java.util.List;

/** Exact byte strings: {@code true}/{@code false}, {@code null}, enum values (with quotes), fixed text. */
final class LiteralGrammar implements Spec {

    private final LiteralTrie trie;

    private LiteralGrammar(LiteralTrie trie) {
        this.trie = trie;
    }

    /** One of the given byte strings, written exactly. */
    static LiteralGrammar oneOf(List<String> literals) {
        return new LiteralGrammar(LiteralTrie.of(literals));
    }

    /** A JSON string equal to one of {@code values}. */
    static LiteralGrammar enumOf(List<String> values) {
        if (values.isEmpty()) {
            throw new IllegalArgumentException("enum schema has no values");
        }
        return oneOf(values.stream().map(JsonText::quote).distinct().toList());
    }

    /** A frame matching {@code text} exactly (for literal prefixes/suffixes around a value). */
    static Frame exactly(String text) {
        LiteralTrie t = new LiteralTrie();
        t.add(text.getBytes(StandardCharsets.UTF_8), 0);
        return new Match(t, t.root());
    }

    @Override
    public void begin(int b, Stack rest, Stack.Sink out) {
        new Match(trie, trie.root()).step(b, rest, out);
    }

    @Override
    public byte[] shortest() {
        return trie.shortestFrom(trie.root());
    }

    /** Progress inside one of the literals: the trie node reached so far. */
    record Match(LiteralTrie trie, int node) implements Frame {
        @Override
        public void step(int b, Stack rest, Stack.Sink out) {
            int next = trie.child(node, b);
            if (next < 0) {
                return;
            }
            if (trie.value(next) >= 0 && trie.isLeaf(next)) {
                out.add(rest); // literal complete, nothing longer can follow
            } else {
                out.add(rest.push(new Match(trie, next)));
            }
        }

        @Override
        public boolean canFinish() {
            return trie.value(node) >= 0;
        }

        @Override
        public boolean appendShortestEnd(Stack rest, ByteArrayOutputStream out) {
            if (!canFinish()) {
                out.writeBytes(trie.shortestFrom(node));
            }
            return true;
        }

        @Override
        public String toString() {
            return "Literal@" + node;
        }
    }
}
