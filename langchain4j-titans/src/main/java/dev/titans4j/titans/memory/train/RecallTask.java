package dev.titans4j.titans.memory.train;

import java.util.Random;

/**
 * Synthetic recall episodes (no real text, no evaluation data). The input space R^d is split into a "topic" half
 * and a "detail" half. Each of the K stored items is {@code x_i = norm([a_i ; b_i])} with random unit a_i, b_i;
 * the question about item i is {@code u_i = norm([a_i + σ·n ; 1.5·r_i])}: it shares item i's topic (with noise σ)
 * while its detail half r_i is random and unrelated to b_i. A memory read with u_i should return item i's value.
 * With identity projections the random detail half of the question pollutes the query; trained projections can
 * learn to attend to the topic half.
 */
final class RecallTask {

    /** The unrelated detail half of a question weighs more than its topic half: identity reads are misled. */
    static final double DETAIL_WEIGHT = 1.5;

    final double[][] items;
    final double[][] questions;

    private RecallTask(double[][] items, double[][] questions) {
        this.items = items;
        this.questions = questions;
    }

    static RecallTask sample(Random rnd, int dimension, int items, double noise) {
        int half = dimension / 2;
        double[][] xs = new double[items][];
        double[][] us = new double[items][];
        for (int i = 0; i < items; i++) {
            double[] a = unit(rnd, half);
            double[] b = unit(rnd, dimension - half);
            double[] r = unit(rnd, dimension - half);
            double[] n = unit(rnd, half);
            double[] x = new double[dimension];
            double[] u = new double[dimension];
            for (int j = 0; j < half; j++) {
                x[j] = a[j];
                u[j] = a[j] + noise * n[j];
            }
            for (int j = half; j < dimension; j++) {
                x[j] = b[j - half];
                u[j] = DETAIL_WEIGHT * r[j - half];
            }
            xs[i] = normalize(x);
            us[i] = normalize(u);
        }
        return new RecallTask(xs, us);
    }

    private static double[] unit(Random rnd, int n) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = rnd.nextGaussian();
        }
        return normalize(v);
    }

    static double[] normalize(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x * x;
        }
        double inv = s > 0 ? 1.0 / Math.sqrt(s) : 0;
        for (int i = 0; i < v.length; i++) {
            v[i] *= inv;
        }
        return v;
    }
}
