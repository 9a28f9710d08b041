package dev.titans4j.titans.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The depthwise causal convolution on k, v, q against a naive sliding window over the written stream. A linear
 * memory whose weights stay at the identity (θ = 0, no forgetting) exposes the convolved vectors: the loss is
 * ‖k_t − v_t‖² and a read returns q.
 */
class ConvolutionTest {

    private static final int D = 3;
    private static final int K = 4;

    @Test
    void keysValuesAndQueriesAreCausalDepthwiseConvolutionsOfTheStream() {
        MemoryConfig config = MemoryConfig.builder().inputDimension(D).linear().convolutionKernel(K).chunkSize(2)
                .theta(GateSpec.fixed(0)).eta(GateSpec.fixed(0)).alpha(GateSpec.fixed(0))
                .projectionActivation(false).normalizeQueryKey(false).build();
        Random rnd = new Random(4);
        double[] tapsK = KeyValueStreams.randomVector(rnd, D * K, 1);
        double[] tapsV = KeyValueStreams.randomVector(rnd, D * K, 1);
        double[] tapsQ = KeyValueStreams.randomVector(rnd, D * K, 1);
        double[] identity = new double[D * D];
        for (int i = 0; i < D; i++) {
            identity[i * D + i] = 1;
        }
        MemoryParameters params = MemoryParameters.defaults(config).withConvolution(tapsK, tapsV, tapsQ)
                .withInitialMemory(identity);
        NeuralMemory memory = NeuralMemory.create(config, params);
        double[][] xs = KeyValueStreams.randomItems(rnd, 9, D);

        for (int t = 0; t < xs.length; t++) {
            double loss = memory.write(new double[][] {xs[t]}, null).loss(0);
            double[] k = naive(xs, t, tapsK, xs[t]);
            double[] v = naive(xs, t, tapsV, xs[t]);
            double expected = 0;
            for (int i = 0; i < D; i++) {
                expected += (k[i] - v[i]) * (k[i] - v[i]);
            }
            assertThat(loss).as("loss at %d", t).isCloseTo(expected, within(1e-12));

            double[] probe = KeyValueStreams.randomVector(rnd, D, 1);
            double[] q = naive(xs, t + 1, tapsQ, probe); // the query sits after the last written item
            double[] read = memory.read(probe);
            for (int i = 0; i < D; i++) {
                assertThat(read[i]).as("query %d at %d", i, t).isCloseTo(q[i], within(1e-12));
            }
        }
    }

    /** out[c] = Σ_m taps[c][m]·x_{t−K+1+m}[c] with x_t = current and zeros before the stream start. */
    private static double[] naive(double[][] xs, int t, double[] taps, double[] current) {
        double[] out = new double[D];
        for (int c = 0; c < D; c++) {
            for (int m = 0; m < K; m++) {
                int pos = t - (K - 1) + m;
                double x = pos == t ? current[c] : pos >= 0 ? xs[pos][c] : 0;
                out[c] += taps[c * K + m] * x;
            }
        }
        return out;
    }
}
