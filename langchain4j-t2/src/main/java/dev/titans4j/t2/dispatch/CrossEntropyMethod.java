package dev.titans4j.t2.dispatch;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.function.Function;

/**
 * The cross-entropy method over a box {@code [lower, upper]^K}: sample a population from independent normals
 * (clamped to the box), rank it by the score, keep the best {@code ⌊population · eliteFraction⌋} (at least one: the
 * elite), refit mean and standard deviation (unbiased, floored at 1e-3) to the elite, repeat. Deterministic for a
 * seed. The best sample ever seen is returned, not the last mean.
 *
 * <p>Transformer²'s few-shot adaptation uses it for the mixture weights α; the defaults are the settings of Sakana's
 * {@code cfgs/optimization/cem.yaml} ({@code optim_modules.CEM}): population 32, elite ratio 0.2 (6 elites, their
 * {@code int(elite_ratio · pop_size)}), α in [0, 1], start mean in the middle of the box, start std half its width
 * ({@code range / 2}), no smoothing ({@code optim_ema = 0}). Where this class differs, and why:
 * <ul>
 *   <li>Ranking: the elite is the top of a full ranking by {@code order} (for {@link FewShotScore#ORDER}: accuracy,
 *       then log-likelihood). Sakana picks elites by accuracy alone ({@code np.argpartition}, which orders equal
 *       accuracies arbitrarily) and uses the log-likelihood only to pick the best member
 *       ({@code use_loglikelihood_for_ties}); on the accuracy plateaus of a handful of examples the tie-break then
 *       steers the distribution too.</li>
 *   <li>Best member: Sakana re-evaluates the previous best as member 0 of each population ({@code re_eval_best},
 *       needed because it scores each generation on a fresh mini-batch) and returns the last generation's best; the
 *       project's few-shot score is deterministic (fixed examples, greedy check), so re-scoring would repeat the
 *       same number: it keeps the best ever seen instead and spends every evaluation on a new sample.</li>
 * </ul>
 */
public final class CrossEntropyMethod {

    /** The outcome of a search. */
    public record Result<S>(double[] best, S bestScore, int evaluations) {
    }

    private final int population;
    private final double eliteFraction;
    private final int iterations;
    private final double lower;
    private final double upper;
    private final double initialStd;
    private final long seed;

    private CrossEntropyMethod(Builder b) {
        this.population = b.population;
        this.eliteFraction = b.eliteFraction;
        this.iterations = b.iterations;
        this.lower = b.lower;
        this.upper = b.upper;
        // halves first: upper - lower overflows to infinity for the widest boxes
        this.initialStd = Double.isNaN(b.initialStd) ? b.upper / 2 - b.lower / 2 : b.initialStd;
        this.seed = b.seed;
    }

    /**
     * Maximises {@code score} (ordered by {@code order}, higher is better) over {@code dimensions} weights.
     */
    public <S> Result<S> maximise(int dimensions, Function<double[], S> score, Comparator<S> order) {
        if (dimensions < 1) {
            throw new IllegalArgumentException("Need at least one dimension");
        }
        Random random = new Random(seed);
        double[] mean = new double[dimensions];
        double[] std = new double[dimensions];
        java.util.Arrays.fill(mean, lower / 2 + upper / 2);
        java.util.Arrays.fill(std, initialStd);
        int elite = Math.max(1, (int) (population * eliteFraction)); // Sakana's int(elite_ratio * pop_size)
        double[] best = null;
        S bestScore = null;
        int evaluations = 0;
        for (int it = 0; it < iterations; it++) {
            List<double[]> samples = new ArrayList<>(population);
            List<S> scores = new ArrayList<>(population);
            for (int p = 0; p < population; p++) {
                double[] x = new double[dimensions];
                for (int d = 0; d < dimensions; d++) {
                    x[d] = Math.min(upper, Math.max(lower, mean[d] + std[d] * random.nextGaussian()));
                }
                S s = score.apply(x.clone());
                evaluations++;
                samples.add(x);
                scores.add(s);
                if (bestScore == null || order.compare(s, bestScore) > 0) {
                    best = x;
                    bestScore = s;
                }
            }
            Integer[] ranking = new Integer[population];
            for (int i = 0; i < population; i++) {
                ranking[i] = i;
            }
            java.util.Arrays.sort(ranking, (a, b) -> order.compare(scores.get(b), scores.get(a)));
            for (int d = 0; d < dimensions; d++) {
                double m = 0;
                for (int e = 0; e < elite; e++) {
                    m += samples.get(ranking[e])[d];
                }
                m /= elite;
                double v = 0;
                for (int e = 0; e < elite; e++) {
                    double diff = samples.get(ranking[e])[d] - m;
                    v += diff * diff;
                }
                mean[d] = m;
                std[d] = Math.max(1e-3, elite > 1 ? Math.sqrt(v / (elite - 1)) : 0); // torch.std: unbiased
            }
        }
        return new Result<>(best.clone(), bestScore, evaluations);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Defaults are the paper's: population 32, elite 20%, α in [0, 1], 50 iterations. */
    public static final class Builder {

        private int population = 32;
        private double eliteFraction = 0.2;
        private int iterations = 50;
        private double lower = 0;
        private double upper = 1;
        /** NaN: half the width of the box (Sakana's {@code range / 2}), whatever bounds are set. */
        private double initialStd = Double.NaN;
        private long seed = 42;

        public Builder population(int population) {
            if (population < 2) {
                throw new IllegalArgumentException("population must be at least 2");
            }
            this.population = population;
            return this;
        }

        public Builder eliteFraction(double eliteFraction) {
            if (!(eliteFraction > 0 && eliteFraction <= 1)) {
                throw new IllegalArgumentException("eliteFraction must be in (0, 1]");
            }
            this.eliteFraction = eliteFraction;
            return this;
        }

        public Builder iterations(int iterations) {
            if (iterations < 1) {
                throw new IllegalArgumentException("iterations must be at least 1");
            }
            this.iterations = iterations;
            return this;
        }

        public Builder bounds(double lower, double upper) {
            if (!(lower < upper) || Double.isInfinite(lower) || Double.isInfinite(upper)) {
                throw new IllegalArgumentException("bounds must be finite, lower below upper");
            }
            this.lower = lower;
            this.upper = upper;
            return this;
        }

        /** The start standard deviation (default half the width of the box). */
        public Builder initialStd(double initialStd) {
            if (!(initialStd > 0) || Double.isInfinite(initialStd)) {
                throw new IllegalArgumentException("initialStd must be positive and finite");
            }
            this.initialStd = initialStd;
            return this;
        }

        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        public CrossEntropyMethod build() {
            return new CrossEntropyMethod(this);
        }
    }
}
