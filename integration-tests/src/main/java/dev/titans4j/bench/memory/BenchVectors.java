package dev.titans4j.bench.memory;

import java.util.Random;

/** Random unit vectors and small statistics helpers shared by the memory benchmark harnesses. */
final class BenchVectors {

    private BenchVectors() {
    }

    static double[] unit(Random rnd, int n) {
        double[] v = new double[n];
        double sq = 0;
        for (int i = 0; i < n; i++) {
            v[i] = rnd.nextGaussian();
            sq += v[i] * v[i];
        }
        double inv = 1.0 / Math.sqrt(sq);
        for (int i = 0; i < n; i++) {
            v[i] *= inv;
        }
        return v;
    }

    static double[][] units(Random rnd, int count, int n) {
        double[][] out = new double[count][];
        for (int i = 0; i < count; i++) {
            out[i] = unit(rnd, n);
        }
        return out;
    }

    static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    static double squaredDistance(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            double d = a[i] - b[i];
            s += d * d;
        }
        return s;
    }
}
