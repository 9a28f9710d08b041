package dev.titans4j.t2.constrain;

import java.io.ByteArrayOutputStream;

/**
 * A JSON number, {@code -? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?}, or for integers only the
 * part before the fraction. Digit counts per part are capped by {@link ConstraintLimits}.
 */
final class NumberGrammar implements Spec {

    static final int MINUS = 0;
    static final int ZERO = 1;
    static final int INT = 2;
    static final int DOT = 3;
    static final int FRACTION = 4;
    static final int EXP = 5;
    static final int EXP_SIGN = 6;
    static final int EXP_DIGITS = 7;

    private final boolean integer;
    private final int maxInt;
    private final int maxFraction;
    private final int maxExponent;

    NumberGrammar(boolean integer, ConstraintLimits limits) {
        this.integer = integer;
        this.maxInt = limits.maxIntegerDigits();
        this.maxFraction = limits.maxFractionDigits();
        this.maxExponent = limits.maxExponentDigits();
    }

    private static final byte[] ZERO_VALUE = {'0'};

    @Override
    public byte[] shortest() {
        return ZERO_VALUE;
    }

    @Override
    public void begin(int b, Stack rest, Stack.Sink out) {
        if (b == '-') {
            out.add(rest.push(new Digits(this, MINUS, 0)));
        } else {
            Frame f = new Digits(this, MINUS, 0).next(b);
            if (f != null) {
                out.add(rest.push(f));
            }
        }
    }

    /** Position inside the number: which part, and how many more digits that part may take. */
    record Digits(NumberGrammar g, int phase, int left) implements Frame {

        @Override
        public void step(int b, Stack rest, Stack.Sink out) {
            Frame f = next(b);
            if (f != null) {
                out.add(rest.push(f));
            }
        }

        Frame next(int b) {
            boolean digit = b >= '0' && b <= '9';
            boolean fractions = !g.integer;
            boolean exponents = fractions && g.maxExponent > 0;
            switch (phase) {
                case MINUS:
                    if (b == '0') {
                        return new Digits(g, ZERO, 0);
                    }
                    return digit ? new Digits(g, INT, g.maxInt - 1) : null;
                case ZERO:
                case INT:
                    if (digit) {
                        return phase == INT && left > 0 ? new Digits(g, INT, left - 1) : null;
                    }
                    if (b == '.' && fractions) {
                        return new Digits(g, DOT, 0);
                    }
                    return (b == 'e' || b == 'E') && exponents ? new Digits(g, EXP, 0) : null;
                case DOT:
                    return digit ? new Digits(g, FRACTION, g.maxFraction - 1) : null;
                case FRACTION:
                    if (digit) {
                        return left > 0 ? new Digits(g, FRACTION, left - 1) : null;
                    }
                    return (b == 'e' || b == 'E') && exponents ? new Digits(g, EXP, 0) : null;
                case EXP:
                    if (b == '+' || b == '-') {
                        return new Digits(g, EXP_SIGN, 0);
                    }
                    return digit ? new Digits(g, EXP_DIGITS, g.maxExponent - 1) : null;
                case EXP_SIGN:
                    return digit ? new Digits(g, EXP_DIGITS, g.maxExponent - 1) : null;
                default:
                    return digit && left > 0 ? new Digits(g, EXP_DIGITS, left - 1) : null;
            }
        }

        @Override
        public boolean canFinish() {
            return phase == ZERO || phase == INT || phase == FRACTION || phase == EXP_DIGITS;
        }

        @Override
        public Frame clamp(int cap) {
            return left > cap ? new Digits(g, phase, cap) : this;
        }

        /** One digit ends every part that cannot end yet (after '-', '.', 'e' or the exponent's sign). */
        @Override
        public boolean appendShortestEnd(Stack rest, ByteArrayOutputStream out) {
            if (!canFinish()) {
                out.write('0');
            }
            return true;
        }

        @Override
        public String toString() {
            return "Number(" + phase + "," + left + ")";
        }
    }
}
