package dev.titans4j.t2.svf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.titans4j.export.manifest.ModelManifest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Mixing rules, checked by hand on two 2-value matrices (A: s = (3, 1); B: s = (2, 2)). */
class SvfAdapterTest {

    private static final String A = "model.layers.0.mlp.up_proj.weight";
    private static final String B = "model.layers.0.mlp.down_proj.weight";

    private final SingularValues model = new SingularValues(matrices(), "LlamaForCausalLM",
            new ModelManifest.Dimensions(4, 8, 1, 1, 1, 4, 16, 32, null, 1e-5, 10000, true, false));
    private final SvfAdapter adapter = new SvfAdapter(model);

    private static Map<String, SingularValues.Matrix> matrices() {
        Map<String, SingularValues.Matrix> m = new LinkedHashMap<>();
        m.put(A, new SingularValues.Matrix(A, "svf.a", new float[] {3f, 1f}));
        m.put(B, new SingularValues.Matrix(B, "svf.b", new float[] {2f, 2f}));
        return m;
    }

    private SvfExpert expert(String name, ValueKind kind, Map<String, float[]> values) {
        return new SvfExpert(name, kind, RescaleRule.SUM_PRESERVING, model.identity(), values);
    }

    @Test
    void logit_experts_become_multipliers_then_mix_in_z_space_and_rescale() {
        SvfExpert p = expert("p", ValueKind.LOGITS, Map.of(A, new float[] {2f, -2f}));
        SvfExpert q = expert("q", ValueKind.LOGITS, Map.of(A, new float[] {0f, 2f}));
        SvfMultipliers m = adapter.multipliers(ExpertMix.of(List.of(p, q), new double[] {0.5, 0.5}));
        // z' = 0.5·(σ(2), σ(-2)) + 0.5·(σ(0), σ(2)); factor = Σs / Σ(s⊙z') with s = (3, 1)
        double z0 = 0.5 * sigmoid(2) + 0.5 * 0.5;
        double z1 = 0.5 * sigmoid(-2) + 0.5 * sigmoid(2);
        double factor = 4 / (3 * z0 + z1);
        assertThat(m.get("svf.a")).containsExactly(new float[] {(float) (z0 * factor), (float) (z1 * factor)},
                within(1e-6f));
        assertThat(m.get("svf.b")).as("no expert adapts B: identity").isNull();
    }

    private static double sigmoid(double x) {
        return 1 / (1 + Math.exp(-x));
    }

    @Test
    void mixed_kinds_mix_multipliers_and_missing_matrices_count_as_one() {
        SvfExpert z = expert("z", ValueKind.Z, Map.of(A, new float[] {2f, 0f}, B, new float[] {1f, 3f}));
        SvfExpert logits = expert("l", ValueKind.LOGITS, Map.of(A, new float[] {0f, 0f}));
        SvfMultipliers m = adapter.multipliers(ExpertMix.of(List.of(z, logits), new double[] {1, 2}));
        // A: 1·(2, 0) + 2·(σ(0), σ(0)) = (3, 1); factor 4 / (9 + 1) = 0.4 -> (1.2, 0.4)
        assertThat(m.get("svf.a")).containsExactly(new float[] {1.2f, 0.4f}, within(1e-6f));
        // B: 1·(1, 3) + 2·(1, 1) [missing = z 1] = (3, 5); factor 4 / (6 + 10) = 0.25 -> (0.75, 1.25)
        assertThat(m.get("svf.b")).containsExactly(new float[] {0.75f, 1.25f}, within(1e-6f));
    }

    @Test
    void per_matrix_weights_override_the_expert_weight() {
        SvfExpert z = expert("z", ValueKind.Z, Map.of(A, new float[] {3f, 1f}, B, new float[] {1f, 3f}));
        ExpertMix mix = ExpertMix.of(List.of(z), new double[] {1}, Map.of(B, new double[] {0.5}));
        SvfMultipliers m = adapter.multipliers(mix);
        // A: (3, 1), factor 4 / 10 -> (1.2, 0.4); B: 0.5·(1, 3) = (0.5, 1.5), factor 4 / 4 = 1
        assertThat(m.get("svf.a")).containsExactly(new float[] {1.2f, 0.4f}, within(1e-6f));
        assertThat(m.get("svf.b")).containsExactly(new float[] {0.5f, 1.5f}, within(1e-6f));
        assertThat(mix.weightsByName()).containsEntry("z", 1.0);
    }

    /**
     * A per-matrix weight for a matrix the model does not adapt (a typo, or the graph input name instead of the
     * weight name) would never be read: the mix would silently use the expert weight there.
     */
    @Test
    void per_matrix_weights_for_a_matrix_the_model_lacks_are_refused() {
        SvfExpert z = expert("z", ValueKind.Z, Map.of(A, new float[] {3f, 1f}, B, new float[] {1f, 3f}));
        for (String wrong : List.of("svf.b", "model.layers.0.mlp.down_proj")) {
            ExpertMix mix = ExpertMix.of(List.of(z), new double[] {1}, Map.of(wrong, new double[] {0.5}));
            assertThatThrownBy(() -> adapter.multipliers(mix))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(wrong)
                    .hasMessageContaining("not an adapted matrix");
        }
    }

    @Test
    void a_matrix_whose_weights_are_all_zero_keeps_the_base() {
        SvfExpert p = expert("p", ValueKind.Z, Map.of(A, new float[] {3f, 1f}, B, new float[] {1f, 3f}));
        SvfExpert q = expert("q", ValueKind.Z, Map.of(A, new float[] {1f, 1f}, B, new float[] {2f, 1f}));
        SvfMultipliers m = adapter.multipliers(ExpertMix.of(List.of(p, q), new double[] {1, 1},
                Map.of(B, new double[] {0, 0})));
        // A: (4, 2), factor 4 / 14; B: no weight at all, so the base (no multipliers) instead of z' = 0
        assertThat(m.get("svf.a")).containsExactly(new float[] {16f / 14, 8f / 14}, within(1e-6f));
        assertThat(m.get("svf.b")).isNull();
    }

    @Test
    void experts_with_different_rescale_rules_do_not_mix() {
        SvfExpert sum = expert("sum", ValueKind.Z, Map.of(A, new float[] {1f, 1f}));
        SvfExpert none = new SvfExpert("none", ValueKind.Z, RescaleRule.NONE, model.identity(),
                Map.of(A, new float[] {1f, 1f}));
        assertThatThrownBy(() -> adapter.multipliers(ExpertMix.of(List.of(sum, none), new double[] {1, 1})))
                .hasMessageContaining("share a rescale rule");
        assertThat(adapter.multipliers(ExpertMix.base()).isIdentity()).isTrue();
    }
}
