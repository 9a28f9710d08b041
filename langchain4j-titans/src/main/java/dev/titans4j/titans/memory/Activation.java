package dev.titans4j.titans.memory;

/**
 * Element-wise non-linearity of the deep memory MLP.
 *
 * <p>{@link #GELU} is the tanh approximation
 * {@code 0.5·z·(1 + tanh(√(2/π)·(z + 0.044715·z³)))}, not the erf form.
 */
public enum Activation {
    /** GELU, tanh approximation. */
    GELU,
    /** SiLU (swish): {@code z·sigmoid(z)}. */
    SILU;

    private static final double SQRT_2_OVER_PI = Math.sqrt(2.0 / Math.PI);
    private static final double GELU_CUBIC = 0.044715;

    /** σ(z). */
    public double apply(double z) {
        if (this == SILU) {
            return z * sigmoid(z);
        }
        double u = SQRT_2_OVER_PI * (z + GELU_CUBIC * z * z * z);
        return 0.5 * z * (1.0 + Math.tanh(u));
    }

    /** σ'(z). */
    public double derivative(double z) {
        if (this == SILU) {
            double s = sigmoid(z);
            return s * (1.0 + z * (1.0 - s));
        }
        double u = SQRT_2_OVER_PI * (z + GELU_CUBIC * z * z * z);
        double t = Math.tanh(u);
        double du = SQRT_2_OVER_PI * (1.0 + 3.0 * GELU_CUBIC * z * z);
        return 0.5 * (1.0 + t) + 0.5 * z * (1.0 - t * t) * du;
    }

    /**
     * Writes σ(z[i]) into {@code value[i]} and σ'(z[i]) over {@code z[i]} (one tanh or exp per element instead of
     * two, for the forward pass that keeps derivatives for backpropagation).
     */
    void applyKeepingDerivative(double[] z, double[] value, int n) {
        for (int i = 0; i < n; i++) {
            double x = z[i];
            if (this == SILU) {
                double s = sigmoid(x);
                value[i] = x * s;
                z[i] = s * (1.0 + x * (1.0 - s));
            } else {
                double t = Math.tanh(SQRT_2_OVER_PI * (x + GELU_CUBIC * x * x * x));
                double du = SQRT_2_OVER_PI * (1.0 + 3.0 * GELU_CUBIC * x * x);
                value[i] = 0.5 * x * (1.0 + t);
                z[i] = 0.5 * (1.0 + t) + 0.5 * x * (1.0 - t * t) * du;
            }
        }
    }

    static double sigmoid(double z) {
        if (z >= 0) {
            return 1.0 / (1.0 + Math.exp(-z));
        }
        double e = Math.exp(z);
        return e / (1.0 + e);
    }
}
