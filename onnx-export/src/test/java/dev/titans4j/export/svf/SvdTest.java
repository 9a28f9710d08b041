package dev.titans4j.export.svf;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SvdTest {

    /** W = Q1·diag(s)·Q2ᵀ with random orthogonal Q1, Q2 (products of Householder reflections) and known s. */
    private static float[] withSingularValues(int rows, int cols, double[] s, Random random) {
        double[][] q1 = orthogonal(rows, random);
        double[][] q2 = orthogonal(cols, random);
        float[] w = new float[rows * cols];
        for (int o = 0; o < rows; o++) {
            for (int i = 0; i < cols; i++) {
                double sum = 0;
                for (int k = 0; k < s.length; k++) {
                    sum += q1[o][k] * s[k] * q2[i][k];
                }
                w[o * cols + i] = (float) sum;
            }
        }
        return w;
    }

    private static double[][] orthogonal(int n, Random random) {
        double[][] q = new double[n][n];
        for (int i = 0; i < n; i++) {
            q[i][i] = 1;
        }
        for (int h = 0; h < 3; h++) {
            double[] v = random.doubles(n, -1, 1).toArray();
            double norm = Math.sqrt(Arrays.stream(v).map(x -> x * x).sum());
            for (int r = 0; r < n; r++) {
                double dot = 0;
                for (int c = 0; c < n; c++) {
                    dot += q[r][c] * v[c];
                }
                for (int c = 0; c < n; c++) {
                    q[r][c] -= 2 * dot * v[c] / (norm * norm);
                }
            }
        }
        return q;
    }

    @ParameterizedTest
    @CsvSource({"7,5", "5,7", "6,6", "1,4", "33,17"})
    void reconstructsRandomMatricesToDoublePrecision(int rows, int cols) {
        Random random = new Random(rows * 100 + cols);
        float[] w = new float[rows * cols];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) random.nextGaussian();
        }
        SvfFactors f = Svd.factor(w, rows, cols);
        assertThat(f.rank()).isEqualTo(Math.min(rows, cols));
        double[] ones = new double[f.rank()];
        Arrays.fill(ones, 1);
        double[] back = f.compose(ones);
        double err = 0;
        double norm = 0;
        for (int i = 0; i < w.length; i++) {
            err += (back[i] - w[i]) * (back[i] - w[i]);
            norm += (double) w[i] * w[i];
        }
        assertThat(Math.sqrt(err / norm)).isLessThan(1e-12);
        for (int j = 1; j < f.rank(); j++) {
            assertThat(f.singularValues()[j]).isLessThanOrEqualTo(f.singularValues()[j - 1]);
        }
        // Σ s² = ‖W‖²_F
        double sumSquares = Arrays.stream(f.singularValues()).map(s -> s * s).sum();
        assertThat(sumSquares).isCloseTo(norm, org.assertj.core.data.Offset.offset(norm * 1e-12));
    }

    @ParameterizedTest
    @CsvSource({"12,8", "8,12"})
    void findsKnownSingularValuesIncludingZeroAndTinyOnes(int rows, int cols) {
        double[] s = {9, 5, 3, 2, 1, 1e-3, 1e-6, 0};
        float[] w = withSingularValues(rows, cols, s, new Random(7));
        SvfFactors f = Svd.factor(w, rows, cols);
        for (int k = 0; k < s.length; k++) {
            // W was rounded to float: singular values move by at most ‖ΔW‖₂ ≈ 1e-6
            assertThat(f.singularValues()[k]).isCloseTo(s[k], org.assertj.core.data.Offset.offset(2e-6));
        }
    }

    @Test
    void multipliersScaleEachSingularDirection() {
        Random random = new Random(3);
        int rows = 9;
        int cols = 6;
        float[] w = new float[rows * cols];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) random.nextGaussian();
        }
        SvfFactors f = Svd.factor(w, rows, cols);
        double[] m = {2, 1, 1, 1, 1, 1};
        double[] scaled = f.compose(m);
        double[] base = f.compose(new double[] {1, 1, 1, 1, 1, 1});
        // the difference is the rank-one term s0·u0·v0ᵀ, whose Frobenius norm is s0
        double diff = 0;
        for (int i = 0; i < scaled.length; i++) {
            diff += (scaled[i] - base[i]) * (scaled[i] - base[i]);
        }
        assertThat(Math.sqrt(diff)).isCloseTo(f.singularValues()[0], org.assertj.core.data.Offset.offset(1e-9));
    }

    @Test
    void symmetricEigenOfKnownMatrix() {
        double[][] a = {{2, 1, 0}, {1, 2, 1}, {0, 1, 2}};
        SymmetricEigen e = SymmetricEigen.of(a);
        double[] values = e.values().clone();
        Arrays.sort(values);
        assertThat(values[0]).isCloseTo(2 - Math.sqrt(2), org.assertj.core.data.Offset.offset(1e-14));
        assertThat(values[1]).isCloseTo(2, org.assertj.core.data.Offset.offset(1e-14));
        assertThat(values[2]).isCloseTo(2 + Math.sqrt(2), org.assertj.core.data.Offset.offset(1e-14));
        for (int j = 0; j < 3; j++) {
            double[] v = e.vectors()[j];
            for (int r = 0; r < 3; r++) {
                double av = 0;
                for (int c = 0; c < 3; c++) {
                    av += a[r][c] * v[c];
                }
                assertThat(av).isCloseTo(e.values()[j] * v[r], org.assertj.core.data.Offset.offset(1e-13));
            }
        }
    }
}
