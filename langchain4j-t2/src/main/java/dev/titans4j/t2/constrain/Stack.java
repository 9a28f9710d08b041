package dev.titans4j.t2.constrain;

/**
 * One configuration of the pushdown automaton: an immutable, shared-tail list of {@link Frame}s, top first.
 * Immutability makes the per-byte step allocation-light (tails are shared) and lets the mask walk branch
 * without undo. Equality is structural so states can key the mask cache and be deduplicated.
 */
final class Stack {

    static final Stack EMPTY = new Stack();

    final Frame top;
    final Stack rest;
    final int depth;
    private final int hash;

    private Stack() {
        this.top = null;
        this.rest = null;
        this.depth = 0;
        this.hash = 1;
    }

    private Stack(Frame top, Stack rest) {
        this.top = top;
        this.rest = rest;
        this.depth = rest.depth + 1;
        this.hash = 31 * rest.hash + top.hashCode();
    }

    Stack push(Frame frame) {
        return new Stack(frame, this);
    }

    boolean isEmpty() {
        return top == null;
    }

    /** Feeds one byte: the top frame consumes it, or (if it may end here) it ends and its parent does. */
    static void step(Stack s, int b, Sink out) {
        while (!s.isEmpty()) {
            s.top.step(b, s.rest, out);
            if (!s.top.canFinish()) {
                return;
            }
            s = s.rest;
        }
    }

    /** True when every frame may end now, i.e. the bytes so far form a complete document. */
    static boolean isComplete(Stack s) {
        for (; !s.isEmpty(); s = s.rest) {
            if (!s.top.canFinish()) {
                return false;
            }
        }
        return true;
    }

    /** The shortest bytes that complete the document from this configuration, or null when none is known. */
    static byte[] shortestCompletion(Stack s) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (; !s.isEmpty(); s = s.rest) {
            if (!s.top.appendShortestEnd(s.rest, out)) {
                return null;
            }
        }
        return out.toByteArray();
    }

    /** The same configuration with every budget clamped to {@code cap}: equal keys get equal token masks. */
    Stack clamped(int cap) {
        if (isEmpty()) {
            return this;
        }
        Stack r = rest.clamped(cap);
        Frame t = top.clamp(cap);
        return (r == rest && t.equals(top)) ? this : r.push(t);
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof Stack other) || other.hash != hash || other.depth != depth) {
            return false;
        }
        Stack a = this;
        Stack b = other;
        while (!a.isEmpty()) {
            if (a == b) {
                return true;
            }
            if (!a.top.equals(b.top)) {
                return false;
            }
            a = a.rest;
            b = b.rest;
        }
        return true;
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("[");
        for (Stack s = this; !s.isEmpty(); s = s.rest) {
            sb.append(s.top).append(s.rest.isEmpty() ? "" : " | ");
        }
        return sb.append(']').toString();
    }

    /** Receives successor configurations. */
    interface Sink {
        void add(Stack s);
    }
}
