package dev.titans4j.titans.memory;

import java.util.Random;

/**
 * Test fixtures: memories whose input is {@code x = [k ; v]} and whose projections pick the halves, so tests can
 * drive the memory with explicit keys and values (no SiLU, no normalisation unless asked).
 */
final class KeyValueStreams {

    private KeyValueStreams() {
    }

    /** Builder for a key/value memory with key dimension n (input dimension 2n). */
    static MemoryConfig.Builder config(int n) {
        return MemoryConfig.builder().inputDimension(2 * n).keyDimension(n).valueDimension(n)
                .projectionActivation(false).normalizeQueryKey(false);
    }

    /** Parameters where k = x[0..n), v = x[n..2n), q = x[0..n). */
    static MemoryParameters parameters(MemoryConfig config) {
        int n = config.keyDimension();
        double[] wk = new double[2 * n * n];
        double[] wv = new double[2 * n * n];
        for (int i = 0; i < n; i++) {
            wk[i * n + i] = 1.0;
            wv[(n + i) * n + i] = 1.0;
        }
        return MemoryParameters.defaults(config).withProjections(wk, wv, wk.clone());
    }

    static double[][] randomItems(Random rnd, int count, int dimension) {
        double[][] xs = new double[count][dimension];
        for (double[] x : xs) {
            for (int i = 0; i < dimension; i++) {
                x[i] = rnd.nextGaussian() / Math.sqrt(dimension);
            }
        }
        return xs;
    }

    static double[] randomVector(Random rnd, int n, double scale) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = scale * rnd.nextGaussian();
        }
        return v;
    }

    static double[] key(double[] x) {
        return java.util.Arrays.copyOfRange(x, 0, x.length / 2);
    }

    static double[] value(double[] x) {
        return java.util.Arrays.copyOfRange(x, x.length / 2, x.length);
    }

    static double sigmoid(double z) {
        return 1.0 / (1.0 + Math.exp(-z));
    }

    static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    static double maxAbsDiff(double[] a, double[] b) {
        double m = 0;
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, Math.abs(a[i] - b[i]));
        }
        return m;
    }
}
