package dev.titans4j.t2.constrain;

import java.io.ByteArrayOutputStream;

/** An array whose items all follow one spec; at most {@code maxArrayItems} items. */
final class ArrayGrammar implements Spec {

    static final int FIRST = 0;      // after '['
    static final int AFTER_ITEM = 1;

    private final Spec items;
    private final int maxItems;
    private final int maxWs;
    private final int maxDepth;

    ArrayGrammar(Spec items, ConstraintLimits limits) {
        this.items = items;
        this.maxItems = limits.maxArrayItems();
        this.maxWs = limits.maxWhitespace();
        this.maxDepth = limits.maxDepth();
    }

    @Override
    public void begin(int b, Stack rest, Stack.Sink out) {
        if (b == '[' && rest.depth + 1 <= maxDepth) {
            out.add(rest.push(new Items(this, FIRST, maxItems, maxWs)));
        }
    }

    @Override
    public int need() {
        return 1;
    }

    private static final byte[] EMPTY = {'[', ']'};

    @Override
    public byte[] shortest() {
        return EMPTY;
    }

    /** Progress inside the array: {@code left} more items allowed, {@code ws} whitespace budget. */
    record Items(ArrayGrammar g, int phase, int left, int ws) implements Frame {

        @Override
        public void step(int b, Stack rest, Stack.Sink out) {
            if (Frame.isWhitespace(b)) {
                if (ws > 0) {
                    out.add(rest.push(new Items(g, phase, left, ws - 1)));
                }
                return;
            }
            if (b == ']') {
                out.add(rest);
                return;
            }
            if (left == 0) {
                return;
            }
            Stack parent = rest.push(new Items(g, AFTER_ITEM, left - 1, g.maxWs));
            if (phase == FIRST) {
                g.items.begin(b, parent, out);
            } else if (b == ',' && rest.depth + 1 + g.items.need() <= g.maxDepth) {
                out.add(parent.push(new Spec.Slot(g.items, g.maxWs)));
            }
        }

        @Override
        public Frame clamp(int cap) {
            return ws > cap || left > cap ? new Items(g, phase, Math.min(left, cap), Math.min(ws, cap)) : this;
        }

        @Override
        public boolean appendShortestEnd(Stack rest, ByteArrayOutputStream out) {
            out.write(']');
            return true;
        }

        @Override
        public String toString() {
            return "Array(" + phase + "," + left + "," + ws + ")";
        }
    }
}
