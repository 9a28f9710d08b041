package dev.titans4j.export.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class Int4QuantizerTest {

    @TempDir
    Path dir;

    /** K = 2.5 blocks: two full blocks and a ragged last one, for every allowed block size. */
    @ParameterizedTest(name = "block {0}")
    @ValueSource(ints = {16, 32, 64, 128, 256})
    void quantisationErrorIsAtMostOneStepAndBeatsNaiveScaling(int blockSize) {
        Random random = new Random(blockSize);
        int n = 5;
        int k = blockSize * 5 / 2;
        float[] w = gaussian(random, n * k);
        Int4Quantizer quantizer = new Int4Quantizer(blockSize);
        Int4Quantizer.Quantized q = quantizer.quantize(w, n, k);
        assertThat(q.blocksPerRow()).isEqualTo(3).isEqualTo(quantizer.blocks(k));
        assertThat(q.packed()).hasSize((int) quantizer.packedBytes(n, k)).hasSize(n * 3 * blockSize / 2);
        assertThat(q.scales()).hasSize(n * 3);
        float[] back = q.dequantize();
        for (int row = 0; row < n; row++) {
            for (int col = 0; col < k; col++) {
                float scale = q.scales()[row * q.blocksPerRow() + col / blockSize];
                assertThat(Math.abs(back[row * k + col] - w[row * k + col]))
                        .isLessThanOrEqualTo(Math.abs(scale) + 1e-6f);
            }
        }
        // squared error below plain absMax/7 rounding
        double error = 0;
        double naive = 0;
        for (int row = 0; row < n; row++) {
            for (int block = 0; block * blockSize < k; block++) {
                int start = block * blockSize;
                int end = Math.min(k, start + blockSize);
                float absMax = 0;
                for (int col = start; col < end; col++) {
                    absMax = Math.max(absMax, Math.abs(w[row * k + col]));
                }
                float step = absMax / 7;
                for (int col = start; col < end; col++) {
                    float v = w[row * k + col];
                    naive += Math.pow(v - Math.round(v / step) * step, 2);
                    error += Math.pow(v - back[row * k + col], 2);
                }
            }
        }
        assertThat(error).isLessThan(naive);
    }

    @Test
    void raggedLastBlockIsPaddedWithZeroCodes() {
        int k = 40; // one block of 32 plus 8 values; pad codes must be 8 (value 0)
        float[] w = gaussian(new Random(3), k);
        Int4Quantizer.Quantized q = new Int4Quantizer(32).quantize(w, 1, k);
        for (int i = 16 + 4; i < 32; i++) {
            assertThat(q.packed()[i]).as("padding byte %d", i).isEqualTo((byte) 0x88);
        }
    }

    /**
     * Relative RMS weight error on Gaussian weights with a few large outliers (as in real LLM projections): larger
     * blocks share one scale across more values, so an outlier coarsens more of them. Prints the numbers.
     */
    @Test
    void largerBlocksQuantiseLessAccuratelyWithOutliers() {
        Random random = new Random(42);
        int n = 64;
        int k = 896;
        float[] w = gaussian(random, n * k);
        for (int i = 0; i < w.length / 500; i++) {
            w[random.nextInt(w.length)] = (float) (random.nextBoolean() ? 8 : -8) * (1 + random.nextFloat());
        }
        double previous = 0;
        for (int blockSize : Int4Quantizer.BLOCK_SIZES) {
            float[] back = new Int4Quantizer(blockSize).quantize(w, n, k).dequantize();
            double err = 0;
            double norm = 0;
            for (int i = 0; i < w.length; i++) {
                err += Math.pow(w[i] - back[i], 2);
                norm += Math.pow(w[i], 2);
            }
            double relativeRms = Math.sqrt(err / norm);
            System.out.printf(java.util.Locale.ROOT, "int4 block %3d: relative RMS weight error %.4f%n", blockSize,
                    relativeRms);
            assertThat(relativeRms).as("block %d", blockSize).isGreaterThan(previous).isLessThan(0.5);
            previous = relativeRms;
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 8, 24, 48, 100, 512, -32})
    void unsupportedBlockSizeNamesTheAllowedOnes(int blockSize) {
        assertThatThrownBy(() -> new Int4Quantizer(blockSize)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("int4 block size " + blockSize + " is not supported; allowed: 16, 32, 64, 128, 256");
    }

    /** The packing is what MatMulNBits reads: ORT's product equals x·dequantised(W)ᵀ, for each block size. */
    @ParameterizedTest
    @CsvSource({"64,24,32", "70,9,32", "32,1,32", "70,9,16", "200,7,64", "300,5,128", "64,5,128", "600,3,256"})
    void matMulNBitsComputesWithTheDequantisedWeight(int k, int n, int blockSize) throws Exception {
        Random random = new Random(k * 31 + n + blockSize);
        float[] w = gaussian(random, n * k);
        Int4Quantizer.Quantized q = new Int4Quantizer(blockSize).quantize(w, n, k);
        int blocks = q.blocksPerRow();
        Graph g = new Graph("nbits");
        String x = g.input("x", ElemType.FLOAT, 1L, 3L, (long) k);
        String b = g.initializer("b", ElemType.UINT8, new long[] {n, blocks, blockSize / 2},
                TensorData.ofBytes(q.packed()));
        String s = g.initializer("s", ElemType.FLOAT, new long[] {n, blocks}, TensorData.ofFloats(q.scales()));
        g.msOp("MatMulNBits").in(x, b, s).attr("K", (long) k).attr("N", (long) n).attr("bits", 4L)
                .attr("block_size", (long) blockSize).attr("accuracy_level", 0L).out("y").build();
        g.output("y", ElemType.FLOAT, 1L, 3L, (long) n);
        Path model = dir.resolve("m.onnx");
        new OnnxModelWriter().opset("", 21).opset("com.microsoft", 1).write(g, model, false, null);

        float[][][] input = new float[1][3][k];
        for (float[] row : input[0]) {
            for (int i = 0; i < k; i++) {
                row[i] = (float) random.nextGaussian();
            }
        }
        float[] dq = q.dequantize();
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession session = env.createSession(model.toString(), new OrtSession.SessionOptions());
             OnnxTensor t = OnnxTensor.createTensor(env, input);
             OrtSession.Result r = session.run(Map.of("x", t))) {
            float[][][] y = (float[][][]) r.get(0).getValue();
            for (int row = 0; row < 3; row++) {
                for (int j = 0; j < n; j++) {
                    double expected = 0;
                    for (int i = 0; i < k; i++) {
                        expected += input[0][row][i] * dq[j * k + i];
                    }
                    assertThat((double) y[0][row][j]).isCloseTo(expected,
                            org.assertj.core.data.Offset.offset(1e-4 * (1 + Math.abs(expected))));
                }
            }
        }
    }

    private static float[] gaussian(Random random, int size) {
        float[] w = new float[size];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) random.nextGaussian();
        }
        return w;
    }
}
