package dev.titans4j.export.svf;

import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;

/**
 * Thin SVD of a weight matrix through the symmetric eigen-decomposition of its smaller Gram matrix, in double.
 * For W [out, in] with in ≤ out: WᵀW = V·diag(s²)·Vᵀ, and the second factor is W·V = U·diag(s) (no division by
 * s). Otherwise WWᵀ = U·diag(s²)·Uᵀ and the first factor is UᵀW = diag(s)·Vᵀ. Each singular value is the norm of
 * its column (row) of that product, which is accurate even where s² would underflow relative to the largest.
 * Reconstruction {@code second · first} equals W to about 1e-15 relative, because the eigenvectors are orthonormal
 * to working precision.
 */
public final class Svd {

    private Svd() {
    }

    public static SvfFactors factor(float[] weight, int rows, int cols) {
        if (weight.length != (long) rows * cols) {
            throw new IllegalArgumentException("weight has " + weight.length + " values, expected "
                    + rows + "x" + cols);
        }
        return cols <= rows ? factorTall(weight, rows, cols) : factorWide(weight, rows, cols);
    }

    /** in ≤ out: eigenvectors of WᵀW are V. */
    private static SvfFactors factorTall(float[] w, int rows, int cols) {
        double[][] gram = new double[cols][cols];
        for (int o = 0; o < rows; o++) {
            int base = o * cols;
            for (int i = 0; i < cols; i++) {
                double wi = w[base + i];
                if (wi == 0) {
                    continue;
                }
                double[] g = gram[i];
                for (int j = i; j < cols; j++) {
                    g[j] += wi * w[base + j];
                }
            }
        }
        symmetrize(gram);
        double[][] v = SymmetricEigen.of(gram).vectors(); // v[j] = j-th right singular vector (length cols)
        int r = cols;
        double[] us = new double[rows * r]; // W·V [out, r]
        for (int o = 0; o < rows; o++) {
            int base = o * cols;
            for (int j = 0; j < r; j++) {
                double[] vj = v[j];
                double sum = 0;
                for (int i = 0; i < cols; i++) {
                    sum += w[base + i] * vj[i];
                }
                us[o * r + j] = sum;
            }
        }
        double[] s = new double[r];
        for (int j = 0; j < r; j++) {
            double norm = 0;
            for (int o = 0; o < rows; o++) {
                norm += us[o * r + j] * us[o * r + j];
            }
            s[j] = Math.sqrt(norm);
        }
        int[] order = descending(s);
        double[] first = new double[r * cols];
        double[] second = new double[rows * r];
        for (int k = 0; k < r; k++) {
            int j = order[k];
            System.arraycopy(v[j], 0, first, k * cols, cols);
            for (int o = 0; o < rows; o++) {
                second[o * r + k] = us[o * r + j];
            }
        }
        return new SvfFactors(rows, cols, first, second, permute(s, order));
    }

    /** out < in: eigenvectors of WWᵀ are U. */
    private static SvfFactors factorWide(float[] w, int rows, int cols) {
        double[][] gram = new double[rows][rows];
        IntStream.range(0, rows).parallel().forEach(a -> {
            int baseA = a * cols;
            for (int b = a; b < rows; b++) {
                int baseB = b * cols;
                double sum = 0;
                for (int i = 0; i < cols; i++) {
                    sum += (double) w[baseA + i] * w[baseB + i];
                }
                gram[a][b] = sum;
            }
        });
        symmetrize(gram);
        double[][] u = SymmetricEigen.of(gram).vectors(); // u[j] = j-th left singular vector (length rows)
        int r = rows;
        double[] sv = new double[r * cols]; // Uᵀ·W = diag(s)·Vᵀ [r, in]
        for (int j = 0; j < r; j++) {
            double[] uj = u[j];
            int out = j * cols;
            for (int o = 0; o < rows; o++) {
                double f = uj[o];
                int base = o * cols;
                for (int i = 0; i < cols; i++) {
                    sv[out + i] += f * w[base + i];
                }
            }
        }
        double[] s = new double[r];
        for (int j = 0; j < r; j++) {
            double norm = 0;
            for (int i = 0; i < cols; i++) {
                norm += sv[j * cols + i] * sv[j * cols + i];
            }
            s[j] = Math.sqrt(norm);
        }
        int[] order = descending(s);
        double[] first = new double[r * cols];
        double[] second = new double[rows * r];
        for (int k = 0; k < r; k++) {
            int j = order[k];
            System.arraycopy(sv, j * cols, first, k * cols, cols);
            for (int o = 0; o < rows; o++) {
                second[o * r + k] = u[j][o];
            }
        }
        return new SvfFactors(rows, cols, first, second, permute(s, order));
    }

    private static void symmetrize(double[][] upper) {
        for (int i = 0; i < upper.length; i++) {
            for (int j = 0; j < i; j++) {
                upper[i][j] = upper[j][i];
            }
        }
    }

    private static int[] descending(double[] s) {
        return IntStream.range(0, s.length).boxed()
                .sorted(Comparator.comparingDouble((Integer j) -> s[j]).reversed())
                .mapToInt(Integer::intValue).toArray();
    }

    private static double[] permute(double[] s, int[] order) {
        return Arrays.stream(order).mapToDouble(j -> s[j]).toArray();
    }
}
