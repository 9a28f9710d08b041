package dev.titans4j.t2.svf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** Sakana's rule W' = U·diag(s⊙m)·Vᵀ·(Σs/Σ(s⊙m)), m = sigmoid(p), checked against numbers worked out by hand. */
class RescaleRuleTest {

    private static final float[] S = {4f, 2f, 1f};

    @Test
    void sum_preserving_rule_matches_a_hand_computed_example() {
        // p = (0, ln 3, -ln 3) -> m = (1/2, 3/4, 1/4); Σs = 7, Σ(s⊙m) = 2 + 1.5 + 0.25 = 3.75, factor = 7/3.75
        double[] m = {ValueKind.LOGITS.toMultiplier(0), ValueKind.LOGITS.toMultiplier(Math.log(3)),
                ValueKind.LOGITS.toMultiplier(-Math.log(3))};
        assertThat(m).containsExactly(new double[] {0.5, 0.75, 0.25}, within(1e-12));
        float[] out = RescaleRule.SUM_PRESERVING.apply(m, S, "w");
        assertThat(out[0]).isCloseTo(0.5f * 7f / 3.75f, within(1e-6f));   // 0.93333
        assertThat(out[1]).isCloseTo(0.75f * 7f / 3.75f, within(1e-6f));  // 1.4
        assertThat(out[2]).isCloseTo(0.25f * 7f / 3.75f, within(1e-6f));  // 0.46667
        // the rescaled singular values keep their sum
        assertThat(4 * out[0] + 2 * out[1] + out[2]).isCloseTo(7f, within(1e-5f));
    }

    @Test
    void a_uniform_multiplier_is_the_identity_after_rescale_but_not_without() {
        float[] out = RescaleRule.SUM_PRESERVING.apply(new double[] {0.3, 0.3, 0.3}, S, "w");
        assertThat(out).containsExactly(new float[] {1f, 1f, 1f}, within(1e-6f));
        assertThat(RescaleRule.NONE.apply(new double[] {0.3, 0.3, 0.3}, S, "w"))
                .containsExactly(new float[] {0.3f, 0.3f, 0.3f}, within(1e-7f));
    }

    @Test
    void degenerate_inputs_are_named() {
        assertThatThrownBy(() -> RescaleRule.SUM_PRESERVING.apply(new double[] {0, 0, 0}, S, "layer.w"))
                .hasMessageContaining("layer.w").hasMessageContaining("positive sum");
        assertThatThrownBy(() -> RescaleRule.NONE.apply(new double[] {1, 1}, S, "layer.w"))
                .hasMessageContaining("2 multipliers for 3 singular values");
        assertThatThrownBy(() -> RescaleRule.fromId("sakana")).hasMessageContaining("Unknown SVF rescale rule");
    }
}
