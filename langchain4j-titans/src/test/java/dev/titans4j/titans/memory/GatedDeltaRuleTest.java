package dev.titans4j.titans.memory;

import static dev.titans4j.titans.memory.KeyValueStreams.dot;
import static dev.titans4j.titans.memory.KeyValueStreams.key;
import static dev.titans4j.titans.memory.KeyValueStreams.maxAbsDiff;
import static dev.titans4j.titans.memory.KeyValueStreams.sigmoid;
import static dev.titans4j.titans.memory.KeyValueStreams.value;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Linear memory with η = 0 against the gated delta rule written out with explicit matrices. Our loss is
 * ‖W·k − v‖², whose gradient is 2(W·k − v)kᵀ, so the delta-rule step size is θ' = 2θ:
 * {@code W_t = W_{t−1}((1−α_t)I − 2θ_t k kᵀ) + 2θ_t v kᵀ}.
 */
class GatedDeltaRuleTest {

    private static final int N = 6;

    @Test
    void chunkSizeOneIsTheGatedDeltaRuleOverALongStream() {
        MemoryConfig config = KeyValueStreams.config(N).linear().chunkSize(1)
                .theta(GateSpec.dataDependent(0.6)).eta(GateSpec.fixed(0)).alpha(GateSpec.dataDependent(0.2))
                .build();
        Random rnd = new Random(1);
        double[] tw = KeyValueStreams.randomVector(rnd, 2 * N, 1);
        double[] aw = KeyValueStreams.randomVector(rnd, 2 * N, 1);
        double tb = 0.3;
        double ab = -1.0;
        MemoryParameters params = KeyValueStreams.parameters(config)
                .withGates(tw, tb, new double[2 * N], 0, aw, ab);
        NeuralMemory memory = NeuralMemory.create(config, params);
        double[][] xs = KeyValueStreams.randomItems(rnd, 2000, 2 * N);
        for (double[] x : xs) {
            x[0] += 1.0; // keys away from zero so the stream does not wash out
        }

        double[][] w = new double[N][N];
        for (int t = 0; t < xs.length; t++) {
            double[] x = xs[t];
            double theta = 0.6 * sigmoid(dot(tw, x) + tb);
            double alpha = 0.2 * sigmoid(dot(aw, x) + ab);
            w = deltaRuleStep(w, key(x), value(x), theta, alpha);
        }
        for (int start = 0; start < xs.length; start += 37) {
            memory.write(java.util.Arrays.copyOfRange(xs, start, Math.min(xs.length, start + 37)), null);
        }

        assertThat(maxAbsDiff(memory.state().weights(), flatten(w))).isLessThan(1e-10);
        assertThat(maxOf(flatten(w))).isGreaterThan(0.05); // the comparison is not between two zero matrices
    }

    @Test
    void chunkedLinearMemoryMatchesItsClosedForm() {
        int c = 5;
        MemoryConfig config = KeyValueStreams.config(N).linear().chunkSize(c)
                .theta(GateSpec.dataDependent(0.5)).eta(GateSpec.fixed(0)).alpha(GateSpec.dataDependent(0.1))
                .build();
        Random rnd = new Random(2);
        double[] tw = KeyValueStreams.randomVector(rnd, 2 * N, 1);
        double[] aw = KeyValueStreams.randomVector(rnd, 2 * N, 1);
        MemoryParameters params = KeyValueStreams.parameters(config)
                .withGates(tw, 0.1, new double[2 * N], 0, aw, -0.5);
        NeuralMemory memory = NeuralMemory.create(config, params);
        double[][] xs = KeyValueStreams.randomItems(rnd, 1003, 2 * N);

        // Closed form of one chunk with η = 0: W_C = a^n W_0 − Σ_i a^{n−i} θ_i 2(W_0 k_i − v_i) k_iᵀ,
        // α from the chunk's mean input. The stream ends with a partial chunk of 3 closed by flush().
        double[][] w = new double[N][N];
        for (int start = 0; start < xs.length; start += c) {
            int n = Math.min(c, xs.length - start);
            double[] mean = new double[2 * N];
            for (int i = 0; i < n; i++) {
                for (int d = 0; d < 2 * N; d++) {
                    mean[d] += xs[start + i][d] / n;
                }
            }
            double a = 1 - 0.1 * sigmoid(dot(aw, mean) - 0.5);
            double[][] next = scale(w, Math.pow(a, n));
            for (int i = 0; i < n; i++) {
                double[] x = xs[start + i];
                double theta = 0.5 * sigmoid(dot(tw, x) + 0.1);
                double[] k = key(x);
                double[] err = minus(times(w, k), value(x));
                double coef = Math.pow(a, n - 1 - i) * theta * 2;
                for (int r = 0; r < N; r++) {
                    for (int col = 0; col < N; col++) {
                        next[r][col] -= coef * err[r] * k[col];
                    }
                }
            }
            w = next;
        }
        memory.write(xs, null);
        memory.flush();

        assertThat(maxAbsDiff(memory.state().weights(), flatten(w))).isLessThan(1e-10);
        assertThat(maxOf(flatten(w))).isGreaterThan(0.05);
    }

    /** W((1−α)I − 2θ k kᵀ) + 2θ v kᵀ, with explicit matrix products. */
    private static double[][] deltaRuleStep(double[][] w, double[] k, double[] v, double theta, double alpha) {
        double[][] factor = new double[N][N];
        for (int i = 0; i < N; i++) {
            for (int j = 0; j < N; j++) {
                factor[i][j] = (i == j ? 1 - alpha : 0) - 2 * theta * k[i] * k[j];
            }
        }
        double[][] out = new double[N][N];
        for (int i = 0; i < N; i++) {
            for (int j = 0; j < N; j++) {
                double s = 0;
                for (int m = 0; m < N; m++) {
                    s += w[i][m] * factor[m][j];
                }
                out[i][j] = s + 2 * theta * v[i] * k[j];
            }
        }
        return out;
    }

    private static double[] times(double[][] w, double[] k) {
        double[] out = new double[N];
        for (int i = 0; i < N; i++) {
            out[i] = dot(w[i], k);
        }
        return out;
    }

    private static double[] minus(double[] a, double[] b) {
        double[] out = a.clone();
        for (int i = 0; i < out.length; i++) {
            out[i] -= b[i];
        }
        return out;
    }

    private static double[][] scale(double[][] w, double s) {
        double[][] out = new double[N][N];
        for (int i = 0; i < N; i++) {
            for (int j = 0; j < N; j++) {
                out[i][j] = s * w[i][j];
            }
        }
        return out;
    }

    /** The engine's layout: W stored transposed, row-major [in][out]. */
    private static double[] flatten(double[][] w) {
        double[] out = new double[N * N];
        for (int r = 0; r < N; r++) {
            for (int c = 0; c < N; c++) {
                out[c * N + r] = w[r][c];
            }
        }
        return out;
    }

    private static double maxOf(double[] a) {
        double m = 0;
        for (double x : a) {
            m = Math.max(m, Math.abs(x));
        }
        return m;
    }
}
