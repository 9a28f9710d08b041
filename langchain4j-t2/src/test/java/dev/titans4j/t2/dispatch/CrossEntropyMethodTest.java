package dev.titans4j.t2.dispatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Comparator;
import org.junit.jupiter.api.Test;

/** CEM finds planted optima of synthetic scoring functions inside [0, 1]^K. */
class CrossEntropyMethodTest {

    private static final double[] TARGET = {0.2, 0.9, 0.65};

    @Test
    void finds_a_planted_optimum_of_a_smooth_score() {
        CrossEntropyMethod cem = CrossEntropyMethod.builder().iterations(40).seed(7).build();
        CrossEntropyMethod.Result<Double> r = cem.maximise(3, x -> -distance(x, TARGET), Comparator.<Double>naturalOrder());
        assertThat(r.best()).containsExactly(TARGET, within(0.02));
        assertThat(r.evaluations()).isEqualTo(40 * 32);
    }

    @Test
    void accuracy_plateaus_are_resolved_by_the_log_likelihood_tie_break() {
        // accuracy only says how many coordinates are within 0.15: a plateau; log-likelihood points to the target
        CrossEntropyMethod cem = CrossEntropyMethod.builder().iterations(50).seed(3).build();
        CrossEntropyMethod.Result<FewShotScore> r = cem.maximise(3, x -> {
            int close = 0;
            for (int i = 0; i < x.length; i++) {
                close += Math.abs(x[i] - TARGET[i]) < 0.15 ? 1 : 0;
            }
            return new FewShotScore(close / 3.0, -distance(x, TARGET));
        }, FewShotScore.ORDER);
        assertThat(r.bestScore().accuracy()).isEqualTo(1.0);
        assertThat(r.best()).containsExactly(TARGET, within(0.03));
    }

    @Test
    void an_optimum_on_the_boundary_is_reached_by_clipping() {
        double[] corner = {1.0, 0.0};
        CrossEntropyMethod.Result<Double> r = CrossEntropyMethod.builder().iterations(20).build()
                .maximise(2, x -> -distance(x, corner), Comparator.<Double>naturalOrder());
        assertThat(r.best()).containsExactly(corner, within(1e-9));
    }

    /** The first generation spreads over the box it is given: std half its width, as for [0, 1]. */
    @Test
    void the_start_std_is_half_the_width_of_the_box_given() {
        java.util.List<Double> samples = new java.util.ArrayList<>();
        CrossEntropyMethod.builder().bounds(0, 10).population(400).iterations(1).seed(5).build()
                .maximise(1, x -> {
                    samples.add(x[0]);
                    return 0.0;
                }, Comparator.<Double>naturalOrder());
        double mean = samples.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
        double std = Math.sqrt(samples.stream().mapToDouble(x -> (x - mean) * (x - mean)).sum() / samples.size());
        // N(5, 5) clamped to [0, 10] has std about 3.6 (a start std of 0.5 would give 0.5)
        assertThat(mean).isCloseTo(5, within(0.6));
        assertThat(std).isCloseTo(3.6, within(0.4));
    }

    /** A box wider than a double can hold spreads the samples over it, not into NaN or infinity. */
    @Test
    void the_widest_box_still_samples_finite_points() {
        java.util.List<Double> samples = new java.util.ArrayList<>();
        CrossEntropyMethod.Result<Double> r = CrossEntropyMethod.builder().bounds(-Double.MAX_VALUE, Double.MAX_VALUE)
                .population(8).iterations(2).build()
                .maximise(1, x -> {
                    samples.add(x[0]);
                    return -Math.abs(x[0]);
                }, Comparator.<Double>naturalOrder());
        assertThat(samples).allMatch(Double::isFinite).anyMatch(x -> x != 0 && Math.abs(x) < Double.MAX_VALUE);
        assertThat(r.best()[0]).isFinite();
    }

    @Test
    void infinite_bounds_are_refused() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> CrossEntropyMethod.builder()
                        .bounds(0, Double.POSITIVE_INFINITY))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("bounds must be finite, lower below upper");
    }

    private static double distance(double[] a, double[] b) {
        double d = 0;
        for (int i = 0; i < a.length; i++) {
            d += (a[i] - b[i]) * (a[i] - b[i]);
        }
        return Math.sqrt(d);
    }
}
