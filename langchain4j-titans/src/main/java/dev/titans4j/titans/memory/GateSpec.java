package dev.titans4j.titans.memory;

import java.util.Objects;

/**
 * How one of the three write gates (θ learning rate, η momentum, α forgetting) is obtained.
 *
 * <p>{@link #fixed(double)}: the same value for every item or chunk.
 * {@link #dataDependent(double)}: {@code max · sigmoid(w·x + b)} where {@code w} and {@code b} are outer-loop
 * parameters ({@link MemoryParameters}); untrained parameters ({@code w = 0, b = 0}) give {@code max / 2}.
 */
public final class GateSpec {

    private final boolean dataDependent;
    private final double value;

    private GateSpec(boolean dataDependent, double value) {
        this.dataDependent = dataDependent;
        this.value = value;
    }

    /** A constant gate value. */
    public static GateSpec fixed(double value) {
        if (!Double.isFinite(value) || value < 0) {
            throw new IllegalArgumentException("fixed gate value must be finite and >= 0, got " + value);
        }
        return new GateSpec(false, value);
    }

    /** {@code max · sigmoid(w·x + b)}. */
    public static GateSpec dataDependent(double max) {
        if (!Double.isFinite(max) || max <= 0) {
            throw new IllegalArgumentException("data-dependent gate maximum must be finite and > 0, got " + max);
        }
        return new GateSpec(true, max);
    }

    public boolean isDataDependent() {
        return dataDependent;
    }

    /** The fixed value, or the maximum of a data-dependent gate. */
    public double value() {
        return value;
    }

    /** The gate for input {@code x}; {@code w} and {@code b} are ignored when fixed. */
    double evaluate(double[] x, double[] w, double b) {
        if (!dataDependent) {
            return value;
        }
        double z = b;
        for (int i = 0; i < x.length; i++) {
            z += w[i] * x[i];
        }
        return value * Activation.sigmoid(z);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GateSpec g && g.dataDependent == dataDependent && Double.compare(g.value, value) == 0;
    }

    @Override
    public int hashCode() {
        return Objects.hash(dataDependent, value);
    }

    @Override
    public String toString() {
        return dataDependent ? "dataDependent(max=" + value + ")" : "fixed(" + value + ")";
    }
}
