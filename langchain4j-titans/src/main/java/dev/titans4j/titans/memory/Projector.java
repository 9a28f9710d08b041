package dev.titans4j.titans.memory;

/**
 * Turns an input x into key, value and query: {@code p = x·W}, optional depthwise causal convolution over the
 * write stream, SiLU (if enabled), L2 normalisation of k and q (if enabled). Also evaluates the gates.
 * Stateless: the convolution history lives in {@link NeuralMemoryState}.
 */
final class Projector {

    private static final double NORM_FLOOR = 1e-12;

    private final MemoryConfig config;
    private final MemoryParameters p;
    private final int kernel;
    private final double[][] wK;
    private final double[][] wV;
    private final double[][] wQ;

    Projector(MemoryConfig config, MemoryParameters parameters) {
        parameters.requireCompatible(config);
        this.config = config;
        this.p = parameters;
        this.kernel = config.convolutionKernel();
        this.wK = rows(parameters.wK, config.keyDimension());
        this.wV = rows(parameters.wV, config.valueDimension());
        this.wQ = rows(parameters.wQ, config.keyDimension());
    }

    /** Row-major [d][out] as separate row arrays (vectorisable axpy, see {@link MemoryNetwork}). */
    private static double[][] rows(double[] flat, int out) {
        double[][] r = new double[flat.length / out][out];
        for (int i = 0; i < r.length; i++) {
            System.arraycopy(flat, i * out, r[i], 0, out);
        }
        return r;
    }

    /** Projects x to k and v of the next written item and shifts the convolution history by one item. */
    void keyValue(double[] x, NeuralMemoryState s, double[] k, double[] v, double[] scratchQ) {
        project(x, wK, k);
        project(x, wV, v);
        if (kernel > 0) {
            project(x, wQ, scratchQ);
            double[] preK = k.clone();
            double[] preV = v.clone();
            convolve(preK, s.historyK, p.convK, k);
            convolve(preV, s.historyV, p.convV, v);
            push(s.historyK, preK);
            push(s.historyV, preV);
            push(s.historyQ, scratchQ);
        }
        finish(k, true);
        finish(v, false);
    }

    /** The query for x at the current stream position (convolved with the last written items' queries). */
    void query(double[] x, NeuralMemoryState s, double[] q) {
        project(x, wQ, q);
        if (kernel > 0) {
            double[] pre = q.clone();
            convolve(pre, s.historyQ, p.convQ, q);
        }
        finish(q, true);
    }

    double theta(double[] x) {
        return config.theta().evaluate(x, p.thetaW, p.thetaB);
    }

    double eta(double[] x) {
        return config.eta().evaluate(x, p.etaW, p.etaB);
    }

    double alpha(double[] x) {
        return config.alpha().evaluate(x, p.alphaW, p.alphaB);
    }

    private void finish(double[] u, boolean normalize) {
        if (config.projectionActivation()) {
            for (int i = 0; i < u.length; i++) {
                u[i] = Activation.SILU.apply(u[i]);
            }
        }
        if (normalize && config.normalizeQueryKey()) {
            double n = Math.sqrt(MemoryNetwork.dot(u, u));
            if (n > NORM_FLOOR) {
                double inv = 1.0 / n;
                for (int i = 0; i < u.length; i++) {
                    u[i] *= inv;
                }
            }
        }
    }

    /** out = x·W with W row-major [d][out]. */
    private static void project(double[] x, double[][] w, double[] out) {
        java.util.Arrays.fill(out, 0.0);
        int n = out.length;
        for (int i = 0; i < x.length; i++) {
            double xi = x[i];
            if (xi != 0.0) {
                MemoryNetwork.axpy(xi, w[i], out, n);
            }
        }
    }

    /** out[c] = taps[c][K−1]·current[c] + Σ_m taps[c][m]·history[m][c] (history oldest first). */
    private void convolve(double[] current, double[][] history, double[] taps, double[] out) {
        for (int c = 0; c < current.length; c++) {
            int base = c * kernel;
            double sum = taps[base + kernel - 1] * current[c];
            for (int m = 0; m < kernel - 1; m++) {
                sum += taps[base + m] * history[m][c];
            }
            out[c] = sum;
        }
    }

    private static void push(double[][] history, double[] newest) {
        if (history.length == 0) {
            return;
        }
        double[] recycled = history[0];
        System.arraycopy(history, 1, history, 0, history.length - 1);
        System.arraycopy(newest, 0, recycled, 0, newest.length);
        history[history.length - 1] = recycled;
    }
}
