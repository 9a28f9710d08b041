package dev.titans4j.t2.generation;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

class FastExpTest {

    @Test
    void agreesWithMathExpToOnePartInTenBillion() {
        Random random = new Random(9);
        double worst = 0;
        for (int i = 0; i < 200_000; i++) {
            double x = -random.nextDouble() * 69;
            double relative = Math.abs(FastExp.exp(x) - Math.exp(x)) / Math.exp(x);
            worst = Math.max(worst, relative);
        }
        for (double x : new double[] {0, -1e-12, -0.5, -1, -Math.log(2), -68.999}) {
            worst = Math.max(worst, Math.abs(FastExp.exp(x) - Math.exp(x)) / Math.exp(x));
        }
        assertThat(worst).isLessThan(1e-10);
        assertThat(FastExp.exp(0)).isCloseTo(1.0, org.assertj.core.api.Assertions.within(1e-11));
        assertThat(FastExp.exp(-70)).isZero();
        assertThat(FastExp.exp(Double.NEGATIVE_INFINITY)).isZero();
    }
}
