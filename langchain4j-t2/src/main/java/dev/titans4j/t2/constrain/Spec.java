package dev.titans4j.t2.constrain;

import java.io.ByteArrayOutputStream;
import java.util.List;

/**
 * A compiled schema node: knows how a JSON value of its kind starts. Specs are grammar constants compared by
 * identity; the per-position progress lives in {@link Frame}s.
 */
interface Spec {

    /** Starts a value of this kind with its first byte {@code b}; emits the resulting configurations. */
    void begin(int b, Stack rest, Stack.Sink out);

    /** No finite value (a schema whose required properties recurse forever). */
    int UNSATISFIABLE = Integer.MAX_VALUE / 4;

    /**
     * Container frames the smallest value of this spec needs on top of the stack where it begins. Containers
     * only open (and optional members/items are only offered) when this still fits under
     * {@link ConstraintLimits#maxDepth()}, so a started value can always be completed.
     */
    default int need() {
        return 0;
    }

    /**
     * The shortest value of this spec as bytes (no whitespace), or null when it has none: what closing an output
     * within a token budget writes for a value that has not started yet.
     */
    byte[] shortest();

    /** A spec whose {@link #need()} depends on others (possibly cyclically): computed by fixpoint. */
    interface Composite extends Spec {
        /** Recomputes {@link #need()} from the current values of its parts; true if it changed. */
        boolean relaxNeed();

        /** Recomputes {@link #shortest()} from the current values of its parts; true if it changed. */
        boolean relaxShortest();
    }

    /** A value slot: optional leading whitespace, then the value of {@code spec}. */
    record Slot(Spec spec, int ws) implements Frame {
        @Override
        public void step(int b, Stack rest, Stack.Sink out) {
            if (Frame.isWhitespace(b)) {
                if (ws > 0) {
                    out.add(rest.push(new Slot(spec, ws - 1)));
                }
                return;
            }
            spec.begin(b, rest, out);
        }

        @Override
        public Frame clamp(int cap) {
            return ws > cap ? new Slot(spec, cap) : this;
        }

        @Override
        public boolean appendShortestEnd(Stack rest, ByteArrayOutputStream out) {
            byte[] value = spec.shortest();
            if (value == null) {
                return false;
            }
            out.writeBytes(value);
            return true;
        }
    }

    /** {@code anyOf}: every alternative is tried in parallel (the automaton is nondeterministic). */
    final class AnyOf implements Composite {
        private final List<Spec> alternatives;
        private int need = UNSATISFIABLE;
        private byte[] shortest;

        AnyOf(List<Spec> alternatives) {
            this.alternatives = List.copyOf(alternatives);
        }

        List<Spec> alternatives() {
            return alternatives;
        }

        @Override
        public void begin(int b, Stack rest, Stack.Sink out) {
            for (Spec s : alternatives) {
                s.begin(b, rest, out);
            }
        }

        @Override
        public int need() {
            return need;
        }

        @Override
        public boolean relaxNeed() {
            int n = UNSATISFIABLE;
            for (Spec s : alternatives) {
                n = Math.min(n, s.need());
            }
            boolean changed = n != need;
            need = n;
            return changed;
        }

        @Override
        public byte[] shortest() {
            return shortest;
        }

        @Override
        public boolean relaxShortest() {
            byte[] best = null;
            for (Spec s : alternatives) {
                byte[] v = s.shortest();
                if (v != null && (best == null || v.length < best.length)) {
                    best = v;
                }
            }
            boolean changed = best != null && (shortest == null || best.length < shortest.length);
            if (changed) {
                shortest = best;
            }
            return changed;
        }
    }

    /** {@code $ref}: resolved after the whole schema is compiled, so definitions may be recursive. */
    final class Ref implements Composite {
        private final String name;
        private Spec target;
        private int need = UNSATISFIABLE;
        private byte[] shortest;

        Ref(String name) {
            this.name = name;
        }

        void resolve(Spec target) {
            this.target = target;
        }

        String name() {
            return name;
        }

        Spec target() {
            return target;
        }

        @Override
        public void begin(int b, Stack rest, Stack.Sink out) {
            if (need < UNSATISFIABLE) { // a definition with no finite value never starts
                target.begin(b, rest, out);
            }
        }

        @Override
        public int need() {
            return need;
        }

        @Override
        public boolean relaxNeed() {
            int n = target.need();
            boolean changed = n != need;
            need = n;
            return changed;
        }

        @Override
        public byte[] shortest() {
            return shortest;
        }

        @Override
        public boolean relaxShortest() {
            byte[] v = target.shortest();
            boolean changed = v != null && (shortest == null || v.length < shortest.length);
            if (changed) {
                shortest = v;
            }
            return changed;
        }
    }
}
