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
 * u_j = δ_j ⊗ a_j be accumulated row by row without materialising them.
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
            for (int r = 0; r < rows; r++) {
                int base = off + r * cols;
                decayRow(w, s, base, cols, keepM, momentumIntoM, keepS);
                for (int j = 0; j < n; j++) {
                    double d = deltas[j][r];
                    double pm = coefM[j] * d;
                    double ps = coefS[j] * d;
                    if (pm != 0.0 || ps != 0.0) {
                        subtractOuterRow(w, s, base, cols, pm, ps, inputs[j]);
                    }
                }
            }
        }
        if (net.config().layerNorm()) {
            int base = net.gammaOffset();
            int dv = net.config().valueDimension();
            decayRow(w, s, base, dv, keepM, momentumIntoM, keepS);
            for (int j = 0; j < n; j++) {
                subtractOuterRow(w, s, base, dv, coefM[j], coefS[j], t.gGamma[j]);
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
