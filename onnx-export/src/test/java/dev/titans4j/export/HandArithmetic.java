package dev.titans4j.export;

import java.util.Random;

/** The arithmetic the hand-derived checks share: weights made up for them and a model's pieces written out by hand. */
final class HandArithmetic {

    private HandArithmetic() {
    }

    /**
     * RMSNorm as transformers writes it: x / sqrt(mean(x²) + eps) · (offset + w), with {@code offset} 0 for the Llama
     * form and 1 for Gemma's stored (1 + w).
     */
    static double[] rmsNorm(double[] x, float[] w, float offset, double eps) {
        double meanSquare = 0;
        for (double v : x) {
            meanSquare += v * v / x.length;
        }
        double scale = 1 / Math.sqrt(meanSquare + eps);
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = x[i] * scale * (offset + w[i]);
        }
        return y;
    }

    /** Row {@code token} of a [rows, width] table, each value times {@code scale} in float as the graph does. */
    static double[] row(float[] table, int token, int width, float scale) {
        double[] r = new double[width];
        for (int i = 0; i < width; i++) {
            r[i] = table[token * width + i] * scale;
        }
        return r;
    }

    /** The [n, n] identity matrix. */
    static float[] identity(int n) {
        float[] m = new float[n * n];
        for (int i = 0; i < n; i++) {
            m[i * n + i] = 1;
        }
        return m;
    }

    static float[] gaussian(Random random, int n, double std) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (random.nextGaussian() * std);
        }
        return v;
    }
}
