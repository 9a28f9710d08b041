package dev.titans4j.t2.constrain;

import java.io.ByteArrayOutputStream;

/**
 * One level of the JSON pushdown automaton. Frames are immutable values (records): stepping returns
 * successors through the sink, so the automaton may be nondeterministic ({@code anyOf}, a number that may end
 * or continue) without any undo.
 */
interface Frame {

    /** Consumes byte {@code b} (0..255) with {@code rest} below this frame; emits zero or more successors. */
    void step(int b, Stack rest, Stack.Sink out);

    /** True when this frame may end without consuming more bytes (a number after a digit, say). */
    default boolean canFinish() {
        return false;
    }

    /**
     * This frame with its byte budgets clamped to {@code cap}. With {@code cap} at least the longest token, a
     * token can never exhaust a clamped budget that the real one would not, so both give the same mask.
     */
    default Frame clamp(int cap) {
        return this;
    }

    /**
     * Appends the shortest bytes that end this frame (returning to {@code rest}), assuming whatever was pushed
     * above it has ended; false when there is none. Shortest ends are canonical: after a prefix of this frame's
     * end, the frame reached ends with the rest of it, so a budget that fits the end now still fits it later.
     */
    default boolean appendShortestEnd(Stack rest, ByteArrayOutputStream out) {
        return canFinish();
    }

    static boolean isWhitespace(int b) {
        return b == ' ' || b == '\n' || b == '\t';
    }
}
