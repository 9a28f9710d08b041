package dev.titans4j.titans.memory;

/**
 * Applies one closed chunk of n items to the memory weights M and momentum S in a single pass over the weights.
 *
 * <p>With a = 1 − α and all gradients u_j taken at M₀ (the state at the chunk start), the item recurrence
 * {@code S_i = η·S_{i−1} − θ_i·u_i, M_i = a·M_{i−1} + S_i} (i = 1 … n) unrolls to
 * <pre>
 *   M_n = aⁿ·M₀ + (η·b₁)·S₀ − Σ_j θ_j·b_j·u_j          b_j = Σ_{i=j..n} a^{n−i}·η^{i−j}  (b_n = 1, b_j = a^{n−j} + η·b_{j+1})
 *   S_n = ηⁿ·S₀ − Σ_j θ_j·η^{n−j}·u_j
 * </pre>
 * which is exact algebra (equal to the recurrence up to floating-point rounding) and lets the rank-one gradients
 * u_j = δ_j ⊗ a_j be accumulated row by row (rows of the stored Wᵀ) without materialising them.
 */
final class ChunkUpdate {

    private ChunkUpdate() {
    }

    /**
     * @param s     the momentum rows, or null when η is fixed 0: then S₀ is taken as zero and S_n is not computed
     *              (it cannot reach the next chunk), which leaves only {@code M_n = aⁿ·M₀ − Σ_j θ_j·a^{n−j}·u_j}
     *              and halves the memory traffic
     * @param scale per-item factor θ_j·clamp_j (0 for masked items)
     */
    static void apply(MemoryNetwork net, double[][] w, double[][] s, MemoryNetwork.Trace t, int n, double[] scale,
                      double eta, double alpha) {
        if (s == null && eta != 0.0) {
            throw new IllegalArgumentException("the momentum may be left out only when η = 0, got " + eta);
        }
        double a = 1.0 - alpha;
        double[] coefM = new double[n];
        double[] coefS = new double[n];
        double b = 0;
        double aPow = 1;
        double etaPow = 1;
        for (int j = n - 1; j >= 0; j--) {
            b = aPow + eta * b;
            coefM[j] = scale[j] * b;
            coefS[j] = scale[j] * etaPow;
            aPow *= a;
            etaPow *= eta;
        }
        double keepM = aPow;
        double momentumIntoM = eta * b;
        double keepS = etaPow;
        for (int m = 0; m < net.layers(); m++) {
            int rows = net.rows(m);
            int cols = net.cols(m);
            int first = net.rowStart(m);
            double[][] deltas = t.delta[m];
            double[][] inputs = t.a[m];
            double[] pm = new double[n];
            double[] ps = new double[n];
            for (int c = 0; c < cols; c++) { // stored row c of Wᵀ: item j's gradient row is a_j[c]·δ_j
                for (int j = 0; j < n; j++) {
                    double x = inputs[j][c];
                    pm[j] = coefM[j] * x;
                    ps[j] = coefS[j] * x;
                }
                if (s == null) {
                    updateWeightRow(w[first + c], rows, keepM, pm, deltas, n);
                } else {
                    updateRow(w[first + c], s[first + c], rows, keepM, momentumIntoM, keepS, pm, ps, deltas, n);
                }
            }
        }
        if (net.config().layerNorm()) {
            int g = net.gammaRow();
            if (s == null) {
                updateWeightRow(w[g], net.config().valueDimension(), keepM, coefM, t.gGamma, n);
            } else {
                updateRow(w[g], s[g], net.config().valueDimension(), keepM, momentumIntoM, keepS, coefM, coefS,
                        t.gGamma, n);
            }
        }
    }

    /**
     * One stored row: decay, then subtract Σ_j pm_j·g_j from w and Σ_j ps_j·g_j from s. Items are taken four at a
     * time so each w/s element is loaded and stored once per four items (the loop is memory-bound).
     */
    private static void updateRow(double[] w, double[] s, int len, double keepM, double momentumIntoM,
                                  double keepS, double[] pm, double[] ps, double[][] g, int n) {
        int j = 0;
        boolean decayed = false;
        for (; j + 3 < n; j += 4) {
            double m0 = pm[j], m1 = pm[j + 1], m2 = pm[j + 2], m3 = pm[j + 3];
            double s0 = ps[j], s1 = ps[j + 1], s2 = ps[j + 2], s3 = ps[j + 3];
            double[] g0 = g[j], g1 = g[j + 1], g2 = g[j + 2], g3 = g[j + 3];
            double km = decayed ? 1.0 : keepM;
            double mi = decayed ? 0.0 : momentumIntoM;
            double ks = decayed ? 1.0 : keepS;
            fourItems(w, s, len, km, mi, ks, m0, m1, m2, m3, s0, s1, s2, s3, g0, g1, g2, g3);
            decayed = true;
        }
        if (!decayed) {
            decayRow(w, s, len, keepM, momentumIntoM, keepS);
        }
        for (; j < n; j++) {
            if (pm[j] != 0.0 || ps[j] != 0.0) {
                subtractOuterRow(w, s, len, pm[j], ps[j], g[j]);
            }
        }
    }

    /** {@link #updateRow} without momentum (η = 0): decay w, then subtract Σ_j pm_j·g_j, four items at a time. */
    private static void updateWeightRow(double[] w, int len, double keepM, double[] pm, double[][] g, int n) {
        int j = 0;
        double km = keepM;
        for (; j + 3 < n; j += 4) {
            fourItemsWeightsOnly(w, len, km, pm[j], pm[j + 1], pm[j + 2], pm[j + 3], g[j], g[j + 1], g[j + 2],
                    g[j + 3]);
            km = 1.0;
        }
        if (j == 0) {
            scale(w, len, keepM);
        }
        for (; j < n; j++) {
            if (pm[j] != 0.0) {
                subtractScaled(w, len, pm[j], g[j]);
            }
        }
    }

    private static void fourItemsWeightsOnly(double[] w, int len, double km, double m0, double m1, double m2,
                                             double m3, double[] g0, double[] g1, double[] g2, double[] g3) {
        for (int i = 0; i < len; i++) {
            w[i] = km * w[i] - (m0 * g0[i] + m1 * g1[i] + m2 * g2[i] + m3 * g3[i]);
        }
    }

    /**
     * Four items' contributions to one row: the weights first (they need the old momentum), then the momentum.
     * Two loops with one store each, in their own methods: that is what C2 (JDK 17) vectorises (one fused loop
     * with two stores was measured ~3× slower).
     */
    private static void fourItems(double[] w, double[] s, int len, double km, double mi, double ks, double m0,
                                  double m1, double m2, double m3, double s0, double s1, double s2, double s3,
                                  double[] g0, double[] g1, double[] g2, double[] g3) {
        weightPart(w, s, len, km, mi, m0, m1, m2, m3, g0, g1, g2, g3);
        momentumPart(s, len, ks, s0, s1, s2, s3, g0, g1, g2, g3);
    }

    private static void weightPart(double[] w, double[] s, int len, double km, double mi, double m0, double m1,
                                   double m2, double m3, double[] g0, double[] g1, double[] g2, double[] g3) {
        for (int i = 0; i < len; i++) {
            w[i] = km * w[i] + mi * s[i] - (m0 * g0[i] + m1 * g1[i] + m2 * g2[i] + m3 * g3[i]);
        }
    }

    private static void momentumPart(double[] s, int len, double ks, double s0, double s1, double s2, double s3,
                                     double[] g0, double[] g1, double[] g2, double[] g3) {
        for (int i = 0; i < len; i++) {
            s[i] = ks * s[i] - (s0 * g0[i] + s1 * g1[i] + s2 * g2[i] + s3 * g3[i]);
        }
    }

    private static void decayRow(double[] w, double[] s, int n, double keepM, double momentumIntoM, double keepS) {
        decayWeights(w, s, n, keepM, momentumIntoM);
        scale(s, n, keepS);
    }

    private static void decayWeights(double[] w, double[] s, int n, double keepM, double momentumIntoM) {
        for (int c = 0; c < n; c++) {
            w[c] = keepM * w[c] + momentumIntoM * s[c];
        }
    }

    private static void scale(double[] s, int n, double factor) {
        for (int c = 0; c < n; c++) {
            s[c] = factor * s[c];
        }
    }

    private static void subtractOuterRow(double[] w, double[] s, int n, double pm, double ps, double[] x) {
        subtractScaled(w, n, pm, x);
        subtractScaled(s, n, ps, x);
    }

    private static void subtractScaled(double[] y, int n, double a, double[] x) {
        for (int c = 0; c < n; c++) {
            y[c] -= a * x[c];
        }
    }
}
