package dev.titans4j.t2.svf;

import static org.assertj.core.api.Assertions.assertThat;

import dev.titans4j.export.reference.ReferenceModel;
import dev.titans4j.export.safetensors.Checkpoint;
import dev.titans4j.export.svf.Svd;
import dev.titans4j.export.svf.SvfFactors;
import dev.titans4j.t2.engine.DecoderSession;
import dev.titans4j.t2.engine.EngineOptions;
import dev.titans4j.t2.engine.OnnxModel;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Experts through the real graph: identity experts give the base logits, and a random mix of experts gives the
 * reference forward pass (double precision, no SVF) on weights composed explicitly as
 * {@code U·diag(s⊙m)·Vᵀ·(Σs/Σ(s⊙m))} from a fresh SVD of the checkpoint.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SvfForwardTest {

    @TempDir
    static Path dir;

    private Path hf;
    private OnnxModel model;
    private SvfAdapter adapter;
    private final int[] tokens = new Random(5).ints(9, 0, 64).toArray();

    @BeforeAll
    void export() {
        Path exported = SvfTestModels.tinyExport(dir, 11);
        hf = dir.resolve("hf");
        model = OnnxModel.load(exported, EngineOptions.defaults().withIntraOpThreads(1));
        adapter = new SvfAdapter(SvfTestModels.singularValues(exported));
    }

    @AfterAll
    void close() {
        if (model != null) { // null when @BeforeAll skipped for missing shared data
            model.close();
        }
    }

    private float[][] logits(SvfMultipliers multipliers) {
        try (DecoderSession session = model.newSession(multipliers.asMap())) {
            return session.forward(tokens, 0);
        }
    }

    @Test
    void identity_experts_reproduce_the_base_logits() {
        float[][] base = logits(SvfMultipliers.identity());
        SingularValues s = adapter.singularValues();
        SvfExpert ones = SvfExpert.identity("ones", s);
        SvfExpert uniformLogit = SvfTestModels.randomExpert("uniform", s, ValueKind.LOGITS, 0.7, 0, 1);
        for (SvfExpert expert : List.of(ones, uniformLogit)) {
            SvfMultipliers m = adapter.multipliers(expert);
            assertThat(m.isIdentity()).isFalse();
            assertClose(logits(m), base, 2e-5, expert.name());
        }
    }

    @Test
    void a_random_mix_matches_the_reference_on_explicitly_composed_weights() throws Exception {
        SingularValues s = adapter.singularValues();
        SvfExpert a = SvfTestModels.randomExpert("a", s, ValueKind.LOGITS, 0.5, 2.0, 21);
        SvfExpert b = SvfTestModels.randomExpert("b", s, ValueKind.LOGITS, -0.5, 2.0, 22);
        double[] alphas = {0.7, 0.4};
        ExpertMix mix = ExpertMix.of(List.of(a, b), alphas);

        ReferenceModel reference = ReferenceModel.load(hf);
        try (Checkpoint checkpoint = Checkpoint.open(hf)) {
            for (SingularValues.Matrix matrix : s.matrices().values()) {
                String w = matrix.weight();
                float[] pa = a.values().get(w);
                float[] pb = b.values().get(w);
                double[] m = new double[matrix.rank()];
                for (int i = 0; i < m.length; i++) { // z' = Σ α_k sigmoid(p_k)
                    m[i] = alphas[0] / (1 + Math.exp(-pa[i])) + alphas[1] / (1 + Math.exp(-pb[i]));
                }
                int rows = reference.weight(w).length;
                int cols = reference.weight(w)[0].length;
                SvfFactors f = Svd.factor(checkpoint.floats(w), rows, cols);
                double sum = 0;
                double scaled = 0;
                for (int i = 0; i < m.length; i++) {
                    sum += f.singularValues()[i];
                    scaled += f.singularValues()[i] * m[i];
                }
                double[] composed = f.compose(m);
                double[][] weight = new double[rows][cols];
                for (int r = 0; r < rows; r++) {
                    for (int c = 0; c < cols; c++) {
                        weight[r][c] = composed[r * cols + c] * (sum / scaled);
                    }
                }
                reference = reference.withWeight(w, weight);
            }
        }
        double[][] expected = reference.logits(tokens);
        float[][] actual = logits(adapter.multipliers(mix));
        assertClose(actual, expected, 1e-4, "mix");
        double[][] base = ReferenceModel.load(hf).logits(tokens);
        assertThat(maxDiff(base, expected)).as("the mix really changes the model").isGreaterThan(1e-2);
    }

    private static void assertClose(float[][] actual, float[][] expected, double tolerance, String label) {
        double[][] e = new double[expected.length][];
        for (int r = 0; r < expected.length; r++) {
            e[r] = new double[expected[r].length];
            for (int v = 0; v < e[r].length; v++) {
                e[r][v] = expected[r][v];
            }
        }
        assertClose(actual, e, tolerance, label);
    }

    private static void assertClose(float[][] actual, double[][] expected, double tolerance, String label) {
        assertThat(actual.length).isEqualTo(expected.length);
        double scale = 0;
        double err = 0;
        for (int r = 0; r < actual.length; r++) {
            for (int v = 0; v < actual[r].length; v++) {
                scale = Math.max(scale, Math.abs(expected[r][v]));
                err = Math.max(err, Math.abs(actual[r][v] - expected[r][v]));
            }
        }
        assertThat(err).as(label + ": max error relative to max |logit| " + scale)
                .isLessThanOrEqualTo(tolerance * Math.max(1, scale));
    }

    private static double maxDiff(double[][] a, double[][] b) {
        double d = 0;
        for (int r = 0; r < a.length; r++) {
            for (int v = 0; v < a[r].length; v++) {
                d = Math.max(d, Math.abs(a[r][v] - b[r][v]));
            }
        }
        return d;
    }
}
