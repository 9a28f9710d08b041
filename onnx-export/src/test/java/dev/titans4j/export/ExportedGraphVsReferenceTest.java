package dev.titans4j.export;

import static org.assertj.core.api.Assertions.assertThat;

import dev.titans4j.export.reference.ReferenceModel;
import dev.titans4j.export.testing.TinyCheckpoint;
import java.nio.file.Path;
import java.util.Random;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * fp32 exports of tiny random checkpoints agree with the independent double-precision reference forward pass, for
 * every architecture and option, through chunked prefill and token-by-token decoding on the shared KV buffer.
 */
class ExportedGraphVsReferenceTest {

    static final double FP32_TOLERANCE = 1e-4;

    @TempDir
    Path dir;

    static Stream<Arguments> checkpoints() {
        return Stream.of(
                Arguments.of("llama tied, GQA 2, head_dim 8 (explicit RoPE)",
                        (Supplier<TinyCheckpoint>) () -> TinyCheckpoint.llama().tied(true), true),
                Arguments.of("llama untied, MHA, head_dim 16 (fused RoPE)",
                        (Supplier<TinyCheckpoint>) () -> TinyCheckpoint.llama().heads(4).kvHeads(4).headDim(16),
                        false),
                Arguments.of("llama GQA 4, head_dim 16, q/k/v/o bias",
                        (Supplier<TinyCheckpoint>) () -> TinyCheckpoint.llama().heads(4).kvHeads(1).headDim(16)
                                .bias(true), true),
                Arguments.of("llama GQA 2, llama3 rope scaling",
                        (Supplier<TinyCheckpoint>) () -> TinyCheckpoint.llama().headDim(16).maxPositions(64)
                                .ropeTheta(500000).llama3RopeScaling(8, 1, 4, 16), false),
                Arguments.of("qwen2 bias, GQA 2, head_dim 16",
                        (Supplier<TinyCheckpoint>) () -> TinyCheckpoint.qwen2().headDim(16), true),
                Arguments.of("mistral sliding window 4 < sequence 11",
                        (Supplier<TinyCheckpoint>) () -> TinyCheckpoint.mistral().headDim(16).slidingWindow(4), true),
                Arguments.of("llama bf16 weights in 2 shards",
                        (Supplier<TinyCheckpoint>) () -> TinyCheckpoint.llama().headDim(16)
                                .dtype(dev.titans4j.export.safetensors.DType.BF16).shards(2), true),
                Arguments.of("mistral sliding window 3, head_dim 8",
                        (Supplier<TinyCheckpoint>) () -> TinyCheckpoint.mistral().slidingWindow(3), false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("checkpoints")
    void prefillThenDecodeMatchesReference(String label, Supplier<TinyCheckpoint> checkpoint, boolean svf)
            throws Exception {
        Path hf = checkpoint.get().write(dir.resolve("hf"));
        Path out = dir.resolve("onnx");
        OnnxExporter.builder().options(ExportOptions.builder().svf(svf).build()).build().export(hf, out);

        ReferenceModel reference = ReferenceModel.load(hf);
        int[] tokens = new Random(11).ints(11, 0, reference.vocabSize()).toArray();
        double[][] expected = reference.logits(tokens);

        try (OrtDecoder decoder = new OrtDecoder(out, 16, 1)) {
            // chunked prefill (two chunks, all positions), then one token at a time
            float[][] first = decoder.feed(java.util.Arrays.copyOfRange(tokens, 0, 4), true);
            float[][] second = decoder.feed(java.util.Arrays.copyOfRange(tokens, 4, 7), true);
            assertClose(first, expected, 0, label);
            assertClose(second, expected, 4, label);
            for (int t = 7; t < tokens.length; t++) {
                float[][] step = decoder.feed(new int[] {tokens[t]}, false);
                assertClose(step, expected, t, label);
            }
        }
    }

    @org.junit.jupiter.api.Test
    void externalDataExportRunsAndMatches() throws Exception {
        Path hf = TinyCheckpoint.llama().headDim(16).write(dir.resolve("hf"));
        Path out = dir.resolve("onnx");
        OnnxExporter.builder().options(ExportOptions.builder().externalData(true).svf(false).build()).build()
                .export(hf, out);
        assertThat(out.resolve("model.onnx.data")).exists();
        assertThat(java.nio.file.Files.size(out.resolve("model.onnx")))
                .isLessThan(java.nio.file.Files.size(out.resolve("model.onnx.data")));
        int[] tokens = {3, 1, 4, 1, 5, 9, 2, 6};
        double[][] expected = ReferenceModel.load(hf).logits(tokens);
        try (OrtDecoder decoder = new OrtDecoder(out, 8, 1)) {
            assertClose(decoder.feed(tokens, true), expected, 0, "external data");
        }
    }

    static void assertClose(float[][] actual, double[][] expected, int offset, String label) {
        for (int row = 0; row < actual.length; row++) {
            double[] want = expected[offset + row];
            double maxAbs = 0;
            double maxErr = 0;
            for (int v = 0; v < want.length; v++) {
                maxAbs = Math.max(maxAbs, Math.abs(want[v]));
                maxErr = Math.max(maxErr, Math.abs(actual[row][v] - want[v]));
            }
            assertThat(maxErr / maxAbs).as("%s: relative error at position %d", label, offset + row)
                    .isLessThan(FP32_TOLERANCE);
        }
    }
}
