package dev.titans4j.t2.constrain;

import java.io.ByteArrayOutputStream;

/**
 * An object with arbitrary string keys and values of one spec (plain JSON mode, or a schema object that
 * declares no properties and allows additional ones). At most {@code maxArrayItems} members. Keys are not
 * deduplicated (JSON permits it; parsers keep the last).
 */
final class FreeObjectGrammar implements Spec {

    static final int KEY_OR_CLOSE = 0;
    static final int KEY = 1;
    static final int COLON = 2;
    static final int AFTER_VALUE = 3;

    private final Spec values;
    private final StringGrammar keys;
    private final int maxMembers;
    private final int maxWs;
    private final int maxDepth;

    FreeObjectGrammar(Spec values, ConstraintLimits limits) {
        this.values = values;
        this.keys = new StringGrammar(limits.maxStringBytes());
        this.maxMembers = limits.maxArrayItems();
        this.maxWs = limits.maxWhitespace();
        this.maxDepth = limits.maxDepth();
    }

    @Override
    public void begin(int b, Stack rest, Stack.Sink out) {
        if (b == '{' && rest.depth + 1 <= maxDepth) {
            out.add(rest.push(new Members(this, KEY_OR_CLOSE, maxMembers, maxWs)));
        }
    }

    @Override
    public int need() {
        return 1;
    }

    private static final byte[] EMPTY = {'{', '}'};

    @Override
    public byte[] shortest() {
        return EMPTY;
    }

    /** Progress inside the object: {@code left} more members allowed, {@code ws} whitespace budget. */
    record Members(FreeObjectGrammar g, int phase, int left, int ws) implements Frame {

        @Override
        public void step(int b, Stack rest, Stack.Sink out) {
            if (Frame.isWhitespace(b)) {
                if (ws > 0) {
                    out.add(rest.push(new Members(g, phase, left, ws - 1)));
                }
                return;
            }
            switch (phase) {
                case KEY_OR_CLOSE, KEY -> {
                    if (b == '}' && phase == KEY_OR_CLOSE) {
                        out.add(rest);
                    } else if (left > 0) {
                        g.keys.begin(b, rest.push(new Members(g, COLON, left - 1, g.maxWs)), out);
                    }
                }
                case COLON -> {
                    if (b == ':') {
                        Stack parent = rest.push(new Members(g, AFTER_VALUE, left, g.maxWs));
                        out.add(parent.push(new Spec.Slot(g.values, g.maxWs)));
                    }
                }
                default -> {
                    if (b == '}') {
                        out.add(rest);
                    } else if (b == ',' && left > 0) {
                        out.add(rest.push(new Members(g, KEY, left, g.maxWs)));
                    }
                }
            }
        }

        @Override
        public Frame clamp(int cap) {
            return ws > cap || left > cap ? new Members(g, phase, Math.min(left, cap), Math.min(ws, cap)) : this;
        }

        /** After a comma a member must follow: the empty key with the smallest value; otherwise just close. */
        @Override
        public boolean appendShortestEnd(Stack rest, ByteArrayOutputStream out) {
            if (phase == KEY || phase == COLON) {
                byte[] value = g.values.shortest();
                if (value == null) {
                    return false;
                }
                out.writeBytes(phase == KEY ? new byte[] {'"', '"', ':'} : new byte[] {':'});
                out.writeBytes(value);
            }
            out.write('}');
            return true;
        }

        @Override
        public String toString() {
            return "FreeObject(" + phase + "," + left + "," + ws + ")";
        }
    }
}
