package dev.titans4j.t2.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class GreedySelectorTest {

    @Test
    void picksTheLargestLogitAndTheLowestIdOnTies() {
        assertThat(TokenSelector.greedy().select(new float[] {0.5f, 2f, -1f, 2f})).isEqualTo(1);
        assertThat(TokenSelector.greedy().select(new float[] {Float.NEGATIVE_INFINITY, -3f})).isEqualTo(1);
    }

    @Test
    void nanLogitsAreAnErrorNotTokenZero() {
        assertThatThrownBy(() -> TokenSelector.greedy().select(new float[] {Float.NaN, Float.NaN, Float.NaN}))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("NaN");
        assertThatThrownBy(() -> TokenSelector.greedy().select(new float[] {1f, Float.NaN}))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("NaN at token id 1");
    }
}
