package dev.titans4j.export.reference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.titans4j.export.hf.ModelConfig;
import dev.titans4j.export.safetensors.Checkpoint;
import dev.titans4j.export.safetensors.DType;
import dev.titans4j.export.safetensors.SafetensorsWriter;
import dev.titans4j.export.testing.SharedData;
import dev.titans4j.export.testing.TinyCheckpoint;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Properties of the reference forward pass on random checkpoints, beyond the stories260K comparison. */
class ReferenceModelTinyTest {

    private static final int[] TOKENS = {1, 17, 5, 42, 9, 33, 60, 2, 11, 29};

    @TempDir
    Path dir;

    @Test
    void fixturesGiveWellSpreadLogitsForEveryArchitecture() throws IOException {
        List<TinyCheckpoint> variants = List.of(TinyCheckpoint.llama(), TinyCheckpoint.llama().tied(true),
                TinyCheckpoint.mistral(), TinyCheckpoint.qwen2(), TinyCheckpoint.qwen2().tied(true));
        int i = 0;
        for (TinyCheckpoint variant : variants) {
            ReferenceModel model = ReferenceModel.load(variant.write(dir.resolve("v" + i++)));
            for (double[] row : model.logits(TOKENS)) {
                assertThat(standardDeviation(row)).as("logit spread").isBetween(1.0, 20.0);
            }
        }
    }

    @Test
    void laterTokensDoNotChangeEarlierLogits() throws IOException {
        ReferenceModel model = ReferenceModel.load(TinyCheckpoint.qwen2().write(dir));
        double[][] a = model.logits(TOKENS);
        int[] changed = TOKENS.clone();
        changed[6] = 3;
        double[][] b = model.logits(changed);
        for (int t = 0; t < 6; t++) {
            assertThat(b[t]).containsExactly(a[t]);
        }
        assertThat(maxAbsDifference(a[6], b[6])).isGreaterThan(0.01);
    }

    /**
     * repeat_kv is the definition of grouped-query attention: a GQA model must equal the multi-head model whose k/v
     * projections repeat each kv head for its group of query heads (kv head j serves query heads j*g .. j*g+g-1).
     */
    @Test
    void groupedQueryAttentionEqualsExplicitlyRepeatedKeyValueHeads() throws IOException {
        for (int kvHeads : new int[] {1, 2}) {
            Path gqa = TinyCheckpoint.qwen2().heads(4).kvHeads(kvHeads).write(dir.resolve("gqa" + kvHeads));
            Path mha = dir.resolve("mha" + kvHeads);
            TinyCheckpoint.qwen2().heads(4).kvHeads(4).write(mha); // config.json; weights replaced below
            int groups = 4 / kvHeads;
            int headDim = 8;
            SafetensorsWriter writer = new SafetensorsWriter();
            try (Checkpoint source = Checkpoint.open(gqa)) {
                for (String name : source.names()) {
                    float[] values = source.floats(name);
                    long[] shape = source.info(name).shape();
                    if (name.contains("k_proj") || name.contains("v_proj")) {
                        int rowLength = shape.length == 2 ? (int) shape[1] : 1;
                        int block = headDim * rowLength;
                        float[] repeated = new float[values.length * groups];
                        for (int head = 0; head < 4; head++) {
                            System.arraycopy(values, (head / groups) * block, repeated, head * block, block);
                        }
                        values = repeated;
                        shape[0] *= groups;
                    }
                    writer.add(name, DType.F32, shape, values);
                }
            }
            writer.write(mha.resolve("model.safetensors"));

            double[][] grouped = ReferenceModel.load(gqa).logits(TOKENS);
            double[][] repeated = ReferenceModel.load(mha).logits(TOKENS);
            for (int t = 0; t < TOKENS.length; t++) {
                assertThat(maxAbsDifference(grouped[t], repeated[t])).as("kv heads %d", kvHeads).isLessThan(1e-12);
            }
        }
    }

    /** transformers' sliding_window_overlay: key j is visible from query i iff i - j < window. */
    @Test
    void slidingWindowHidesKeysAtDistanceWindowOrMore() throws IOException {
        ReferenceModel model = ReferenceModel.load(TinyCheckpoint.mistral().layers(1).slidingWindow(4).write(dir));
        int[] changed = TOKENS.clone();
        changed[0] = 50;
        double[][] a = model.logits(TOKENS);
        double[][] b = model.logits(changed);

        assertThat(maxAbsDifference(a[3], b[3])).as("distance 3 < window 4: visible").isGreaterThan(1e-3);
        for (int t = 4; t < TOKENS.length; t++) {
            assertThat(b[t]).as("distance %d: hidden", t).containsExactly(a[t]);
        }
    }

    @Test
    void slidingWindowReachGrowsWithDepth() throws IOException {
        ReferenceModel model = ReferenceModel.load(TinyCheckpoint.mistral().layers(2).slidingWindow(3).write(dir));
        int[] changed = TOKENS.clone();
        changed[0] = 50;
        double[][] a = model.logits(TOKENS);
        double[][] b = model.logits(changed);
        // two layers of window 3 reach back 2 + 2 positions
        assertThat(maxAbsDifference(a[4], b[4])).isGreaterThan(1e-6);
        assertThat(b[5]).containsExactly(a[5]);
    }

    @Test
    void windowLongerThanTheSequenceEqualsNoWindow() throws IOException {
        double[][] windowed = ReferenceModel.load(TinyCheckpoint.mistral().slidingWindow(TOKENS.length)
                .write(dir.resolve("a"))).logits(TOKENS);
        double[][] full = ReferenceModel.load(TinyCheckpoint.mistral().slidingWindow(null)
                .write(dir.resolve("b"))).logits(TOKENS);
        for (int t = 0; t < TOKENS.length; t++) {
            assertThat(windowed[t]).containsExactly(full[t]);
        }
    }

    @Test
    void llama3ScalingWithFactorOneIsPlainRope() throws IOException {
        double[][] plain = ReferenceModel.load(TinyCheckpoint.llama().write(dir.resolve("a"))).logits(TOKENS);
        double[][] identity = ReferenceModel.load(TinyCheckpoint.llama().llama3RopeScaling(1, 1, 4, 16)
                .write(dir.resolve("b"))).logits(TOKENS);
        double[][] scaled = ReferenceModel.load(TinyCheckpoint.llama().llama3RopeScaling(8, 1, 4, 16)
                .write(dir.resolve("c"))).logits(TOKENS);
        for (int t = 0; t < TOKENS.length; t++) {
            assertThat(maxAbsDifference(identity[t], plain[t])).isLessThan(1e-12);
        }
        assertThat(scaled[0]).as("position 0 is not rotated").containsExactly(plain[0]);
        assertThat(maxAbsDifference(scaled[9], plain[9])).isGreaterThan(1e-3);
    }

    /** Two independently written versions of the llama3 rule (ModelConfig's and the reference's) agree. */
    @Test
    void ropeFrequenciesAgreeWithTheExporterConfig() throws IOException {
        Path path = TinyCheckpoint.llama().hidden(256).heads(2).kvHeads(1).ropeTheta(500000)
                .llama3RopeScaling(8, 1, 4, 8192).write(dir);
        double[] reference = ReferenceModel.load(path).inverseFrequencies();
        double[] exporter = ModelConfig.load(path).rope().inverseFrequencies(ModelConfig.RopeKind.GLOBAL);
        assertThat(exporter).hasSize(64);
        for (int i = 0; i < 64; i++) {
            assertThat(exporter[i]).isCloseTo(reference[i], within(1e-15 * reference[i]));
        }
    }

    @Test
    void transformers5RopeParametersMeanTheSameAsRopeScaling() throws IOException {
        double[][] old = ReferenceModel.load(TinyCheckpoint.llama().ropeTheta(500)
                .llama3RopeScaling(8, 1, 4, 16).write(dir.resolve("a"))).logits(TOKENS);
        double[][] v5 = ReferenceModel.load(TinyCheckpoint.llama().removeConfig("rope_theta")
                .removeConfig("rope_scaling").config("rope_parameters", java.util.Map.of("rope_type", "llama3",
                        "rope_theta", 500.0, "factor", 8.0, "low_freq_factor", 1.0, "high_freq_factor", 4.0,
                        "original_max_position_embeddings", 16))
                .write(dir.resolve("b"))).logits(TOKENS);
        for (int t = 0; t < TOKENS.length; t++) {
            assertThat(v5[t]).containsExactly(old[t]);
        }
    }

    @Test
    void storiesTiedAndUntiedGiveTheSameLogits() throws IOException {
        double[][] tied = ReferenceModel.load(SharedData.require("models/stories260K")).logits(TOKENS);
        double[][] untied = ReferenceModel.load(SharedData.require("models/stories260K-untied")).logits(TOKENS);
        for (int t = 0; t < TOKENS.length; t++) {
            assertThat(untied[t]).containsExactly(tied[t]);
        }
    }

    @Test
    void halfPrecisionCheckpointsStayCloseToFloat32() throws IOException {
        double[][] f32 = ReferenceModel.load(TinyCheckpoint.llama().write(dir.resolve("a"))).logits(TOKENS);
        for (DType dtype : List.of(DType.F16, DType.BF16)) {
            double[][] half = ReferenceModel.load(TinyCheckpoint.llama().dtype(dtype)
                    .write(dir.resolve(dtype.name()))).logits(TOKENS);
            double tolerance = dtype == DType.F16 ? 0.02 : 0.2;
            for (int t = 0; t < TOKENS.length; t++) {
                assertThat(maxAbsDifference(half[t], f32[t])).as(dtype.name()).isBetween(1e-6, tolerance);
            }
        }
    }

    @Test
    void withWeightReplacesOneMatrixInACopy() throws IOException {
        ReferenceModel model = ReferenceModel.load(TinyCheckpoint.llama().write(dir));
        String name = "model.layers.1.mlp.down_proj.weight";
        double[][] before = model.logits(TOKENS);

        double[][] weight = model.weight(name);
        ReferenceModel same = model.withWeight(name, weight);
        weight[0][0] += 10; // the copy handed out must not alias the model
        double[][] zero = new double[weight.length][weight[0].length];
        ReferenceModel ablated = model.withWeight(name, zero);

        assertThat(same.logits(TOKENS)[9]).containsExactly(before[9]);
        assertThat(model.logits(TOKENS)[9]).containsExactly(before[9]);
        assertThat(maxAbsDifference(ablated.logits(TOKENS)[9], before[9])).isGreaterThan(1e-3);
        assertThatThrownBy(() -> model.withWeight(name, new double[3][3]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("shape [3, 3] differs from [32, 48]");
    }

    private static double standardDeviation(double[] values) {
        double mean = 0;
        for (double v : values) {
            mean += v / values.length;
        }
        double variance = 0;
        for (double v : values) {
            variance += (v - mean) * (v - mean) / values.length;
        }
        return Math.sqrt(variance);
    }

    private static double maxAbsDifference(double[] a, double[] b) {
        return ReferenceModelStoriesTest.maxAbsDifference(a, b);
    }
}
