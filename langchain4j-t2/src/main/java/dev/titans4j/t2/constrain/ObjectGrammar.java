package dev.titans4j.t2.constrain;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * An object with declared properties, written in declared order. Every required property appears; an optional
 * one may be written or skipped; undeclared properties are never generated (valid whatever
 * {@code additionalProperties} says). Each key is written once, so no duplicates. Near the depth limit,
 * optional properties whose smallest value would not fit are not offered.
 */
final class ObjectGrammar implements Spec.Composite {

    static final int KEY_OR_CLOSE = 0; // after '{'
    static final int KEY = 1;          // after ','
    static final int IN_KEY = 2;
    static final int COLON = 3;
    static final int AFTER_VALUE = 4;

    private final List<String> names;
    private final List<Spec> values;
    private final List<Boolean> required;
    private final boolean[] closableFrom; // closableFrom[i]: no required property at index >= i
    // keysFrom[i]: keys that may follow when property i is the first unwritten (built on first use, once the
    // needs are known, so optional properties without any finite value are never offered)
    private final AtomicReferenceArray<LiteralTrie> keysFrom;
    private final ConcurrentHashMap<Long, LiteralTrie> keysWithinBudget = new ConcurrentHashMap<>();
    private final int maxWs;
    private final int maxDepth;
    private int need = UNSATISFIABLE;
    private int maxOptionalNeed;
    private byte[] shortest;

    ObjectGrammar(List<String> names, List<Spec> values, List<Boolean> required, ConstraintLimits limits) {
        int n = names.size();
        this.names = List.copyOf(names);
        this.values = List.copyOf(values);
        this.required = List.copyOf(required);
        this.closableFrom = new boolean[n + 1];
        this.maxWs = limits.maxWhitespace();
        this.maxDepth = limits.maxDepth();
        closableFrom[n] = true;
        for (int i = n - 1; i >= 0; i--) {
            closableFrom[i] = closableFrom[i + 1] && !required.get(i);
        }
        this.keysFrom = new AtomicReferenceArray<>(n + 1);
    }

    /** Keys of the properties that may come next from index {@code from}, whose values fit in {@code budget}. */
    private LiteralTrie keyTrie(int from, int budget) {
        LiteralTrie t = new LiteralTrie();
        for (int j = from; j < names.size(); j++) {
            if (required.get(j) || values.get(j).need() <= budget) {
                t.add(JsonText.quote(names.get(j)).getBytes(StandardCharsets.UTF_8), j);
            }
            if (required.get(j)) {
                break; // a required property cannot be skipped
            }
        }
        return t;
    }

    /** The key trie for index {@code from} when the frame sits on {@code rest}. */
    private LiteralTrie keys(int from, Stack rest) {
        int budget = maxDepth - rest.depth - 1; // the value is pushed above this object's frame
        if (budget >= maxOptionalNeed) {
            LiteralTrie t = keysFrom.get(from);
            if (t == null) {
                t = keyTrie(from, UNSATISFIABLE - 1);
                keysFrom.compareAndSet(from, null, t);
                t = keysFrom.get(from);
            }
            return t;
        }
        return keysWithinBudget.computeIfAbsent(((long) from << 32) | budget, k -> keyTrie(from, budget));
    }

    @Override
    public void begin(int b, Stack rest, Stack.Sink out) {
        if (b == '{' && rest.depth + need <= maxDepth) {
            out.add(rest.push(new Members(this, KEY_OR_CLOSE, 0, 0, maxWs)));
        }
    }

    @Override
    public int need() {
        return need;
    }

    @Override
    public boolean relaxNeed() {
        int n = 1;
        int optional = 0;
        for (int j = 0; j < values.size(); j++) {
            int v = values.get(j).need();
            if (required.get(j)) {
                n = Math.max(n, v >= UNSATISFIABLE ? UNSATISFIABLE : 1 + v);
            } else {
                optional = Math.max(optional, v >= UNSATISFIABLE ? 0 : v);
            }
        }
        boolean changed = n != need || optional != maxOptionalNeed;
        need = n;
        maxOptionalNeed = optional;
        return changed;
    }

    @Override
    public byte[] shortest() {
        return shortest;
    }

    @Override
    public boolean relaxShortest() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write('{');
        if (!appendRequiredFrom(0, true, out)) {
            return false;
        }
        boolean changed = shortest == null || out.size() < shortest.length;
        if (changed) {
            shortest = out.toByteArray();
        }
        return changed;
    }

    /** The required properties from index {@code from} with their shortest values, then '}'. */
    private boolean appendRequiredFrom(int from, boolean first, ByteArrayOutputStream out) {
        for (int j = from; j < names.size(); j++) {
            if (required.get(j)) {
                if (!first) {
                    out.write(',');
                }
                first = false;
                if (!appendMember(j, JsonText.quote(names.get(j)).getBytes(StandardCharsets.UTF_8), out)) {
                    return false;
                }
            }
        }
        out.write('}');
        return true;
    }

    /** {@code keyBytes}, ':', the shortest value of property {@code j}. */
    private boolean appendMember(int j, byte[] keyBytes, ByteArrayOutputStream out) {
        byte[] value = values.get(j).shortest();
        if (value == null) {
            return false;
        }
        out.writeBytes(keyBytes);
        out.write(':');
        out.writeBytes(value);
        return true;
    }

    /**
     * The shortest end when a key must be written from trie node {@code node} of the keys offered at
     * {@code next}: over every key still reachable, its remaining bytes, its value and the required ones after
     * it (the shortest in total; the earliest property on ties, so the choice stays the same key by key).
     */
    private boolean appendCheapestKey(int next, int node, Stack rest, ByteArrayOutputStream out) {
        byte[][] best = {null};
        int[] bestProperty = {Integer.MAX_VALUE};
        keys(next, rest).forEachEntry(node, (property, keyRest) -> {
            ByteArrayOutputStream candidate = new ByteArrayOutputStream();
            if (appendMember(property, keyRest, candidate)
                    && appendRequiredFrom(property + 1, false, candidate)) {
                byte[] c = candidate.toByteArray();
                if (best[0] == null || c.length < best[0].length
                        || (c.length == best[0].length && property < bestProperty[0])) {
                    best[0] = c;
                    bestProperty[0] = property;
                }
            }
        });
        if (best[0] == null) {
            return false;
        }
        out.writeBytes(best[0]);
        return true;
    }

    /**
     * Progress inside the object. {@code next}: index of the first property not yet written (in phase COLON,
     * the property whose key was just read); {@code node}: key trie position; {@code ws}: whitespace budget.
     */
    record Members(ObjectGrammar g, int phase, int next, int node, int ws) implements Frame {

        @Override
        public void step(int b, Stack rest, Stack.Sink out) {
            if (phase != IN_KEY && Frame.isWhitespace(b)) {
                if (ws > 0) {
                    out.add(rest.push(new Members(g, phase, next, node, ws - 1)));
                }
                return;
            }
            switch (phase) {
                case KEY_OR_CLOSE, KEY -> {
                    if (b == '}' && phase == KEY_OR_CLOSE && g.closableFrom[next]) {
                        out.add(rest);
                    } else {
                        key(b, 0, rest, out);
                    }
                }
                case IN_KEY -> key(b, node, rest, out);
                case COLON -> {
                    if (b == ':') {
                        Stack parent = rest.push(new Members(g, AFTER_VALUE, next + 1, 0, g.maxWs));
                        out.add(parent.push(new Spec.Slot(g.values.get(next), g.maxWs)));
                    }
                }
                default -> {
                    if (b == '}' && g.closableFrom[next]) {
                        out.add(rest);
                    } else if (b == ',' && !g.keys(next, rest).isLeaf(0)) {
                        out.add(rest.push(new Members(g, KEY, next, 0, g.maxWs)));
                    }
                }
            }
        }

        private void key(int b, int from, Stack rest, Stack.Sink out) {
            LiteralTrie keys = g.keys(next, rest);
            int to = keys.child(from, b);
            if (to < 0) {
                return;
            }
            int property = keys.value(to);
            if (property >= 0) {
                out.add(rest.push(new Members(g, COLON, property, 0, g.maxWs)));
            } else {
                out.add(rest.push(new Members(g, IN_KEY, next, to, 0)));
            }
        }

        @Override
        public Frame clamp(int cap) {
            return ws > cap ? new Members(g, phase, next, node, cap) : this;
        }

        @Override
        public boolean appendShortestEnd(Stack rest, ByteArrayOutputStream out) {
            return switch (phase) {
                case KEY_OR_CLOSE -> g.appendRequiredFrom(next, true, out);
                case KEY -> g.appendCheapestKey(next, 0, rest, out);
                case IN_KEY -> g.appendCheapestKey(next, node, rest, out);
                case COLON -> g.appendMember(next, new byte[0], out) && g.appendRequiredFrom(next + 1, false, out);
                default -> g.appendRequiredFrom(next, false, out);
            };
        }

        @Override
        public String toString() {
            return "Object(" + phase + "," + next + "," + node + "," + ws + ")";
        }
    }
}
