package dev.titans4j.t2.constrain;

import java.util.Arrays;

/**
 * The automaton's current set of configurations (more than one while {@code anyOf} alternatives or an
 * ambiguous ending are still open). Immutable; equality is set equality, so states key the mask cache.
 */
final class ParseState {

    private final Stack[] stacks;
    private final int hash;

    ParseState(Stack... stacks) {
        this.stacks = stacks;
        int h = 0;
        for (Stack s : stacks) {
            h += s.hashCode(); // order-independent
        }
        this.hash = h;
    }

    Stack[] stacks() {
        return stacks;
    }

    /** The state after byte {@code b}, or null when no configuration accepts it. */
    ParseState step(int b) {
        Collector c = new Collector();
        for (Stack s : stacks) {
            Stack.step(s, b, c);
        }
        return c.size == 0 ? null : new ParseState(Arrays.copyOf(c.items, c.size));
    }

    /** The state after all of {@code bytes}, or null when some byte is rejected. */
    ParseState stepAll(byte[] bytes) {
        ParseState s = this;
        for (int i = 0; i < bytes.length && s != null; i++) {
            s = s.step(bytes[i] & 0xFF);
        }
        return s;
    }

    /**
     * This state with at most {@code max} configurations (itself when it has no more): the first ones, and always
     * the one with the shortest completion, so the closing cost a token budget relies on stays what it was.
     */
    ParseState limited(int max) {
        if (stacks.length <= max) {
            return this;
        }
        Stack[] kept = Arrays.copyOf(stacks, max);
        int shortest = shortest();
        if (shortest >= max) {
            kept[max - 1] = stacks[shortest];
        }
        return new ParseState(kept);
    }

    boolean isComplete() {
        for (Stack s : stacks) {
            if (Stack.isComplete(s)) {
                return true;
            }
        }
        return false;
    }

    /** True when no byte at all can follow (every configuration has an empty stack). */
    boolean isExhausted() {
        for (Stack s : stacks) {
            if (!s.isEmpty()) {
                return false;
            }
        }
        return true;
    }

    /** The shortest completion over all configurations (the first on ties), or null when none is known. */
    byte[] shortestCompletion() {
        int i = shortest();
        return i < 0 ? null : Stack.shortestCompletion(stacks[i]);
    }

    /** The index of the configuration with the shortest completion (the first on ties), or -1 when none is known. */
    private int shortest() {
        int best = -1;
        int bestLength = Integer.MAX_VALUE;
        for (int i = 0; i < stacks.length; i++) {
            byte[] c = Stack.shortestCompletion(stacks[i]);
            if (c != null && c.length < bestLength) {
                best = i;
                bestLength = c.length;
            }
        }
        return best;
    }

    ParseState clamped(int cap) {
        Collector c = new Collector();
        for (Stack s : stacks) {
            c.add(s.clamped(cap));
        }
        return new ParseState(Arrays.copyOf(c.items, c.size));
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof ParseState other) || other.hash != hash || other.stacks.length != stacks.length) {
            return false;
        }
        for (Stack s : stacks) {
            if (!other.contains(s)) {
                return false;
            }
        }
        return true;
    }

    private boolean contains(Stack s) {
        for (Stack t : stacks) {
            if (t.equals(s)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public String toString() {
        return Arrays.toString(stacks);
    }

    /** Collects successors, dropping duplicates (sets are tiny, so a linear scan is cheapest). */
    private static final class Collector implements Stack.Sink {
        Stack[] items = new Stack[2];
        int size;

        @Override
        public void add(Stack s) {
            for (int i = 0; i < size; i++) {
                if (items[i].equals(s)) {
                    return;
                }
            }
            if (size == items.length) {
                items = Arrays.copyOf(items, size * 2);
            }
            items[size++] = s;
        }
    }
}
