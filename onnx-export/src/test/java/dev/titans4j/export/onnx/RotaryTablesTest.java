package dev.titans4j.export.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.titans4j.export.hf.LongRope;
import org.junit.jupiter.api.Test;

/** The longrope table layout, by hand: short rows first, then the long rows, everything times the attention factor. */
class RotaryTablesTest {

    /** rotary dim 4 on base 100: inv_freq = 1/(f0 · 1), 1/(f1 · 10); short factors (1, 2), long (4, 5). */
    private final LongRope rope = new LongRope(new double[] {1, 2}, new double[] {4, 5}, 3, 1.5);

    @Test
    void shortRowsThenLongRowsScaledByTheAttentionFactor() {
        float[] cos = RotaryTables.longRope(rope, 100, 4, 5, true);
        float[] sin = RotaryTables.longRope(rope, 100, 4, 5, false);
        assertThat(cos).hasSize((3 + 5) * 2);
        // row 0 (short, position 0) and row 3 (long, position 0): cos = factor, sin = 0
        assertThat(cos[0]).isEqualTo(1.5f);
        assertThat(cos[3 * 2 + 1]).isEqualTo(1.5f);
        assertThat(sin[3 * 2]).isEqualTo(0f);
        // short position 2: angles 2 · 1 and 2 · 1/20
        assertThat((double) cos[2 * 2]).isCloseTo(1.5 * Math.cos(2.0), within(1e-6));
        assertThat((double) sin[2 * 2 + 1]).isCloseTo(1.5 * Math.sin(0.1), within(1e-6));
        // long position 4 (row 3 + 4): angles 4 · 1/4 and 4 · 1/50
        assertThat((double) cos[7 * 2]).isCloseTo(1.5 * Math.cos(1.0), within(1e-6));
        assertThat((double) sin[7 * 2 + 1]).isCloseTo(1.5 * Math.sin(0.08), within(1e-6));
    }
}
