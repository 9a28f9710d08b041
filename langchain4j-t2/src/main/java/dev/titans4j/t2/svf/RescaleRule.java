package dev.titans4j.t2.svf;

/**
 * How the graph multipliers follow from the per-value multipliers {@code m} of one matrix with singular values
 * {@code s}.
 */
public enum RescaleRule {
    /**
     * Sakana's rule ({@code compose_new_params} in SakanaAI/self-adaptive-llms):
     * {@code W' = U·diag(s⊙m)·Vᵀ · (Σs / Σ(s⊙m))}, so the graph multiplier is {@code m · Σs / Σ(s⊙m)}. It keeps the
     * sum of singular values, so a uniform {@code m} (e.g. any constant logit) is the base model.
     */
    SUM_PRESERVING("sum-preserving"),
    /** {@code W' = U·diag(s⊙m)·Vᵀ}: the multiplier is {@code m}. */
    NONE("none");

    private final String id;

    RescaleRule(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }

    public static RescaleRule fromId(String id) {
        for (RescaleRule rule : values()) {
            if (rule.id.equals(id)) {
                return rule;
            }
        }
        throw new IllegalArgumentException("Unknown SVF rescale rule '" + id + "' (expected 'sum-preserving' or"
                + " 'none')");
    }

    /**
     * The graph multipliers of one matrix.
     *
     * @param m multiplier per singular value
     * @param s the matrix's singular values (same length)
     */
    public float[] apply(double[] m, float[] s, String matrix) {
        if (m.length != s.length) {
            throw new IllegalArgumentException(matrix + ": " + m.length + " multipliers for " + s.length
                    + " singular values");
        }
        double factor = 1.0;
        if (this == SUM_PRESERVING) {
            double sum = 0;
            double scaled = 0;
            for (int i = 0; i < s.length; i++) {
                sum += s[i];
                scaled += s[i] * m[i];
            }
            if (!(scaled > 0) || !Double.isFinite(scaled)) {
                throw new IllegalArgumentException(matrix + ": the scaled singular values sum to " + scaled
                        + "; the sum-preserving rescale needs a positive sum (are all multipliers zero?)");
            }
            factor = sum / scaled;
        }
        float[] out = new float[m.length];
        for (int i = 0; i < m.length; i++) {
            out[i] = (float) (m[i] * factor);
        }
        return out;
    }
}
