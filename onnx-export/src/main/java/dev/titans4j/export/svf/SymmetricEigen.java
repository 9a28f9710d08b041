package dev.titans4j.export.svf;

/**
 * Eigen-decomposition of a real symmetric matrix in double precision: Householder reduction to tridiagonal form,
 * then implicit QL iterations with Wilkinson-style shifts, accumulating the orthogonal transforms. O(n³); about
 * a second for n = 900. Eigenvectors are stored column by column ({@code vectors[j]} is the j-th eigenvector).
 */
public final class SymmetricEigen {

    private static final int MAX_ITERATIONS = 100;

    private final double[] values;
    private final double[][] vectors;

    private SymmetricEigen(double[] values, double[][] vectors) {
        this.values = values;
        this.vectors = vectors;
    }

    public double[] values() {
        return values;
    }

    /** {@code vectors()[j]} is the unit eigenvector of {@code values()[j]}. */
    public double[][] vectors() {
        return vectors;
    }

    /** Decomposes {@code a} (row-major n×n, symmetric; only read, never modified). */
    public static SymmetricEigen of(double[][] a) {
        int n = a.length;
        double[][] s = new double[n][];
        for (int i = 0; i < n; i++) {
            s[i] = a[i].clone();
        }
        // q[j] = column j of the accumulated orthogonal matrix Q (A = Q T Qᵀ)
        double[][] q = new double[n][n];
        for (int i = 0; i < n; i++) {
            q[i][i] = 1;
        }
        double[] d = new double[n];
        double[] e = new double[n];
        tridiagonalize(s, q, d, e);
        diagonalize(d, e, q);
        return new SymmetricEigen(d, q);
    }

    /** Householder reflections H_k zero column k below the sub-diagonal; S ← H S H and Q ← Q H. */
    private static void tridiagonalize(double[][] s, double[][] q, double[] d, double[] e) {
        int n = s.length;
        double[] v = new double[n];
        double[] p = new double[n];
        for (int k = 0; k < n - 2; k++) {
            double norm = 0;
            for (int i = k + 1; i < n; i++) {
                norm = Math.hypot(norm, s[i][k]);
            }
            if (norm == 0) {
                continue;
            }
            double alpha = s[k + 1][k] > 0 ? -norm : norm;
            double beta = 0;
            for (int i = k + 1; i < n; i++) {
                v[i] = s[i][k];
            }
            v[k + 1] -= alpha;
            for (int i = k + 1; i < n; i++) {
                beta += v[i] * v[i];
            }
            if (beta == 0) {
                continue;
            }
            double c = 2 / beta;
            // p = c * S v (on the trailing block); K = vᵀp / beta; p ← p - K v
            double vp = 0;
            for (int i = k + 1; i < n; i++) {
                double sum = 0;
                double[] row = s[i];
                for (int j = k + 1; j < n; j++) {
                    sum += row[j] * v[j];
                }
                p[i] = c * sum;
                vp += v[i] * p[i];
            }
            double kk = vp / beta;
            for (int i = k + 1; i < n; i++) {
                p[i] -= kk * v[i];
            }
            for (int i = k + 1; i < n; i++) {
                double[] row = s[i];
                double vi = v[i];
                double pi = p[i];
                for (int j = k + 1; j < n; j++) {
                    row[j] -= vi * p[j] + pi * v[j];
                }
            }
            s[k + 1][k] = alpha;
            s[k][k + 1] = alpha;
            for (int i = k + 2; i < n; i++) {
                s[i][k] = 0;
                s[k][i] = 0;
            }
            // Q ← Q (I - c v vᵀ): for every row r of Q, subtract c (Q[r,:]·v) v
            double[] qv = new double[n];
            for (int j = k + 1; j < n; j++) {
                double vj = v[j];
                if (vj == 0) {
                    continue;
                }
                double[] col = q[j];
                for (int r = 0; r < n; r++) {
                    qv[r] += col[r] * vj;
                }
            }
            for (int j = k + 1; j < n; j++) {
                double f = c * v[j];
                double[] col = q[j];
                for (int r = 0; r < n; r++) {
                    col[r] -= f * qv[r];
                }
            }
        }
        for (int i = 0; i < n; i++) {
            d[i] = s[i][i];
            e[i] = i + 1 < n ? s[i][i + 1] : 0;
        }
    }

    /** Implicit QL on the tridiagonal (d, e), applying each plane rotation to the columns of q. */
    private static void diagonalize(double[] d, double[] e, double[][] q) {
        int n = d.length;
        for (int l = 0; l < n; l++) {
            int iterations = 0;
            int m;
            do {
                for (m = l; m < n - 1; m++) {
                    double dd = Math.abs(d[m]) + Math.abs(d[m + 1]);
                    if (Math.abs(e[m]) <= 0x1p-53 * dd) {
                        break;
                    }
                }
                if (m != l) {
                    if (++iterations > MAX_ITERATIONS) {
                        throw new ArithmeticException("eigenvalue iteration did not converge");
                    }
                    double g = (d[l + 1] - d[l]) / (2 * e[l]);
                    double r = Math.hypot(g, 1);
                    g = d[m] - d[l] + e[l] / (g + Math.copySign(r, g));
                    double s = 1;
                    double c = 1;
                    double p = 0;
                    int i;
                    boolean underflow = false;
                    for (i = m - 1; i >= l; i--) {
                        double f = s * e[i];
                        double b = c * e[i];
                        r = Math.hypot(f, g);
                        e[i + 1] = r;
                        if (r == 0) {
                            d[i + 1] -= p;
                            e[m] = 0;
                            underflow = true;
                            break;
                        }
                        s = f / r;
                        c = g / r;
                        g = d[i + 1] - p;
                        r = (d[i] - g) * s + 2 * c * b;
                        p = s * r;
                        d[i + 1] = g + p;
                        g = c * r - b;
                        double[] qi = q[i];
                        double[] qi1 = q[i + 1];
                        for (int k = 0; k < n; k++) {
                            double fk = qi1[k];
                            qi1[k] = s * qi[k] + c * fk;
                            qi[k] = c * qi[k] - s * fk;
                        }
                    }
                    if (underflow) {
                        continue;
                    }
                    d[l] -= p;
                    e[l] = g;
                    e[m] = 0;
                }
            } while (m != l);
        }
    }
}
