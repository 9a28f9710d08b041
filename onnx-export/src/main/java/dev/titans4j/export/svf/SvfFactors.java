package dev.titans4j.export.svf;

import dev.titans4j.export.hf.WeightNames;

/**
 * The singular value decomposition {@code W = U·diag(s)·Vᵀ} of one weight W [rows = out, cols = in], kept as the
 * two factors the graph multiplies by: {@code first} [rank, in] and {@code second} [out, rank] with
 * {@code second · diag(m) · first = U·diag(s·m)·Vᵀ}. The singular values are folded into whichever factor is
 * computed without dividing by them (so tiny or zero singular values lose no accuracy); {@code m} is the
 * Transformer² multiplier of each singular value, all ones giving W back. Singular values are in descending order.
 */
public record SvfFactors(int rows, int cols, double[] first, double[] second, double[] singularValues) {

    public int rank() {
        return singularValues.length;
    }

    /** {@code U·diag(s·m)·Vᵀ} [rows, cols], composed in double. */
    public double[] compose(double[] multipliers) {
        int r = rank();
        if (multipliers.length != r) {
            throw new IllegalArgumentException("expected " + r + " multipliers, got " + multipliers.length);
        }
        double[] w = new double[rows * cols];
        for (int o = 0; o < rows; o++) {
            for (int j = 0; j < r; j++) {
                double f = second[o * r + j] * multipliers[j];
                if (f == 0) {
                    continue;
                }
                int base = j * cols;
                int out = o * cols;
                for (int i = 0; i < cols; i++) {
                    w[out + i] += f * first[base + i];
                }
            }
        }
        return w;
    }

    public float[] firstAsFloats() {
        return toFloats(first);
    }

    public float[] secondAsFloats() {
        return toFloats(second);
    }

    /** Whether a weight name is one of the MLP matrices the Transformer² hook adapts. */
    public static boolean isAdapted(String hfWeightName) {
        return hfWeightName.endsWith(WeightNames.GATE_PROJ + ".weight")
                || hfWeightName.endsWith(WeightNames.UP_PROJ + ".weight")
                || hfWeightName.endsWith(WeightNames.DOWN_PROJ + ".weight");
    }

    private static float[] toFloats(double[] values) {
        float[] f = new float[values.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) values[i];
        }
        return f;
    }
}
