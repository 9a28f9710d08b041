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
     * @param scale per-item factor θ_j·clamp_j (0 for masked items)
     */
    static void apply(MemoryNetwork net, double[] w, double[] s, MemoryNetwork.Trace t, int n, double[] scale,
                      double eta, double alpha) {
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
            int off = net.offset(m);
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
                updateRow(w, s, off + c * rows, rows, keepM, momentumIntoM, keepS, pm, ps, deltas, n);
            }
        }
        if (net.config().layerNorm()) {
            updateRow(w, s, net.gammaOffset(), net.config().valueDimension(), keepM, momentumIntoM, keepS, coefM,
                    coefS, t.gGamma, n);
        }
    }

    /**
     * One stored row: decay, then subtract Σ_j pm_j·g_j from w and Σ_j ps_j·g_j from s. Items are taken four at a
     * time so each w/s element is loaded and stored once per four items (the loop is memory-bound).
     */
    private static void updateRow(double[] w, double[] s, int base, int len, double keepM, double momentumIntoM,
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
            for (int i = 0; i < len; i++) {
                double sOld = s[base + i];
                double a0 = g0[i], a1 = g1[i], a2 = g2[i], a3 = g3[i];
                w[base + i] = km * w[base + i] + mi * sOld - (m0 * a0 + m1 * a1 + m2 * a2 + m3 * a3);
                s[base + i] = ks * sOld - (s0 * a0 + s1 * a1 + s2 * a2 + s3 * a3);
            }
            decayed = true;
        }
        if (!decayed) {
            decayRow(w, s, base, len, keepM, momentumIntoM, keepS);
        }
        for (; j < n; j++) {
            if (pm[j] != 0.0 || ps[j] != 0.0) {
                subtractOuterRow(w, s, base, len, pm[j], ps[j], g[j]);
            }
        }
    }

    private static void decayRow(double[] w, double[] s, int base, int n, double keepM, double momentumIntoM,
                                 double keepS) {
        for (int c = 0; c < n; c++) {
            double sOld = s[base + c];
            w[base + c] = keepM * w[base + c] + momentumIntoM * sOld;
            s[base + c] = keepS * sOld;
        }
    }

    private static void subtractOuterRow(double[] w, double[] s, int base, int n, double pm, double ps,
                                         double[] x) {
        for (int c = 0; c < n; c++) {
            w[base + c] -= pm * x[c];
            s[base + c] -= ps * x[c];
        }
    }
}
