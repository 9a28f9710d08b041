package dev.titans4j.export.onnx;

import static org.assertj.core.api.Assertions.assertThat;

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

class Int4QuantizerTest {

    @TempDir
    Path dir;

    @Test
    void quantisationErrorIsAtMostOneStepAndBeatsNaiveScaling() {
        Random random = new Random(1);
        int n = 5;
        int k = 70; // ragged last block
        float[] w = new float[n * k];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) random.nextGaussian();
        }
        Int4Quantizer.Quantized q = Int4Quantizer.quantize(w, n, k);
        float[] back = q.dequantize();
        for (int row = 0; row < n; row++) {
            for (int col = 0; col < k; col++) {
                float scale = q.scales()[row * q.blocksPerRow() + col / Int4Quantizer.BLOCK_SIZE];
                assertThat(Math.abs(back[row * k + col] - w[row * k + col]))
                        .isLessThanOrEqualTo(Math.abs(scale) + 1e-6f);
            }
        }
        // squared error below plain absMax/7 rounding
        double error = 0;
        double naive = 0;
        for (int row = 0; row < n; row++) {
            for (int block = 0; block * Int4Quantizer.BLOCK_SIZE < k; block++) {
                int start = block * Int4Quantizer.BLOCK_SIZE;
                int end = Math.min(k, start + Int4Quantizer.BLOCK_SIZE);
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

    /** The packing is what MatMulNBits reads: ORT's product equals x·dequantised(W)ᵀ. */
    @ParameterizedTest
    @CsvSource({"64,24", "70,9", "32,1"})
    void matMulNBitsComputesWithTheDequantisedWeight(int k, int n) throws Exception {
        Random random = new Random(k * 31 + n);
        float[] w = new float[n * k];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) random.nextGaussian();
        }
        Int4Quantizer.Quantized q = Int4Quantizer.quantize(w, n, k);
        int blocks = q.blocksPerRow();
        Graph g = new Graph("nbits");
        String x = g.input("x", ElemType.FLOAT, 1L, 3L, (long) k);
        String b = g.initializer("b", ElemType.UINT8, new long[] {n, blocks, Int4Quantizer.BLOCK_SIZE / 2},
                TensorData.ofBytes(q.packed()));
        String s = g.initializer("s", ElemType.FLOAT, new long[] {n, blocks}, TensorData.ofFloats(q.scales()));
        g.msOp("MatMulNBits").in(x, b, s).attr("K", (long) k).attr("N", (long) n).attr("bits", 4L)
                .attr("block_size", (long) Int4Quantizer.BLOCK_SIZE).attr("accuracy_level", 0L).out("y").build();
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
}
