package dev.titans4j.t2.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.titans4j.export.manifest.ModelManifest;
import dev.titans4j.t2.TestModels;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The SVF multiplier inputs of the exported graph: identity by default, per-session values when given. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SvfInputsTest {

    private static final int[] PROMPT = {1, 403, 407, 261, 378};

    private OnnxModel model;
    private ModelManifest.SvfMatrix matrix;

    @BeforeAll
    void load() {
        model = OnnxModel.load(TestModels.stories260K(), EngineOptions.defaults().withIntraOpThreads(1));
        assertThat(model.manifest().svf()).as("the exporter adds SVF inputs by default").isNotNull();
        assertThat(model.manifest().svf().matrices()).isNotEmpty();
        matrix = model.manifest().svf().matrices().get(0);
    }

    @AfterAll
    void close() {
        if (model != null) { // null when @BeforeAll skipped for missing shared data
            model.close();
        }
    }

    private float[] logits(Map<String, float[]> mix) {
        try (DecoderSession session = model.newSession(mix)) {
            return session.prefill(PROMPT);
        }
    }

    @Test
    void explicit_all_ones_equals_the_default_identity() {
        float[] ones = new float[matrix.rank()];
        Arrays.fill(ones, 1f);
        // all ones run the SVF graph, no multipliers the plain companion: equal up to float rounding
        float[] svf = logits(Map.of(matrix.input(), ones));
        float[] plain = logits(Map.of());
        double scale = 0;
        double err = 0;
        for (int i = 0; i < plain.length; i++) {
            scale = Math.max(scale, Math.abs(plain[i]));
            err = Math.max(err, Math.abs(svf[i] - plain[i]));
        }
        assertThat(err).isLessThanOrEqualTo(2e-5 * Math.max(1, scale));
    }

    @Test
    void scaling_singular_values_changes_the_output_only_for_that_session() {
        float[] half = new float[matrix.rank()];
        Arrays.fill(half, 0.5f);
        float[] base = logits(Map.of());
        float[] scaled = logits(Map.of(matrix.input(), half));
        assertThat(scaled).isNotEqualTo(base);
        assertThat(logits(Map.of())).containsExactly(base);
    }

    @Test
    void wrong_names_and_lengths_are_rejected() {
        assertThatThrownBy(() -> model.newSession(Map.of("nope", new float[1])))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'nope' is not an SVF input");
        assertThatThrownBy(() -> model.newSession(Map.of(matrix.input(), new float[matrix.rank() + 1])))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("needs " + matrix.rank());
    }
}
