package dev.titans4j.t2.generation;

import java.util.Objects;
import java.util.SplittableRandom;

/**
 * Chooses each next token from the logits of the last position, following {@link SamplingParameters}.
 * One instance per request: it owns the seeded random source, so the same seed and the same logits give the same
 * token ids. Not thread-safe.
 *
 * <p>Cost per token, never a sort of the vocabulary: penalties touch only the ids in the {@link TokenHistory};
 * with top-k, a bounded heap selects the k best ids in one pass ({@link Ranking}) and only those are
 * exponentiated; without top-k, one exponentiation pass, and top-p finds its nucleus by bucketing the probabilities
 * ({@link Nucleus}).
 */
public final class Sampler {

    private final SamplingParameters params;
    private final SplittableRandom random;
    private final double invTemperature;
    private int[] candidates = new int[0];
    private double[] weights = new double[0];
    /** Scratch over the whole vocabulary, allocated on first use: probabilities relative to the best token. */
    private double[] all = new double[0];
    private final Nucleus nucleus = new Nucleus();

    public Sampler(SamplingParameters params) {
        this.params = Objects.requireNonNull(params, "params");
        this.random = params.seed() != null ? new SplittableRandom(params.seed()) : new SplittableRandom();
        this.invTemperature = params.temperature() == 0 ? 0 : 1.0 / params.temperature();
    }

    public SamplingParameters parameters() {
        return params;
    }

    /**
     * Picks the next token id.
     *
     * @param logits  the last position's logits; <b>modified in place</b> by the penalties
     * @param history tokens seen so far (for penalties); may be null when no penalty is set. The chosen token is
     *                not recorded: call {@link TokenHistory#add(int)} with it.
     */
    public int next(float[] logits, TokenHistory history) {
        int best = prepare(logits, history);
        if (params.isGreedy() || logits[best] == Float.POSITIVE_INFINITY) { // +inf takes all the probability
            return best;
        }
        int n = filter(logits, best);
        return n < 0 ? drawFromAll(logits, logits[best]) : draw(n);
    }

    /**
     * The distribution {@link #next} draws from, over the whole vocabulary (for tests): penalties, temperature and
     * every filter applied, normalised. Does not touch {@code logits} or the random source.
     */
    double[] probabilities(float[] logits, TokenHistory history) {
        float[] work = logits.clone();
        int best = prepare(work, history);
        double[] p = new double[work.length];
        if (params.isGreedy() || work[best] == Float.POSITIVE_INFINITY) {
            p[best] = 1;
            return p;
        }
        int n = filter(work, best);
        double sum = 0;
        if (n < 0) {
            for (int i = 0; i < work.length; i++) {
                double w = weight(work[i], work[best]);
                if (w >= params.minP()) {
                    p[i] = w;
                    sum += w;
                }
            }
        } else {
            for (int i = 0; i < n; i++) {
                p[candidates[i]] = weights[i];
                sum += weights[i];
            }
        }
        for (int i = 0; i < p.length; i++) {
            p[i] /= sum;
        }
        return p;
    }

    /** Checks the input, applies the penalties in place and returns the best id. */
    private int prepare(float[] logits, TokenHistory history) {
        Objects.requireNonNull(logits, "logits");
        if (logits.length == 0) {
            throw new IllegalArgumentException("logits are empty");
        }
        if (params.hasPenalties()) {
            if (history == null) {
                throw new IllegalArgumentException("penalties are set but no token history was given");
            }
            applyPenalties(logits, history);
        }
        return argmax(logits);
    }

    /** HF repetition penalty over prompt and output, then OpenAI frequency/presence over the output. */
    private void applyPenalties(float[] logits, TokenHistory history) {
        if (history.vocabSize() != logits.length) {
            throw new IllegalArgumentException("token history is for a vocabulary of " + history.vocabSize()
                    + " but the logits have " + logits.length + " entries");
        }
        float rp = (float) params.repetitionPenalty();
        if (rp != 1f) {
            for (int i = 0; i < history.seenDistinct(); i++) {
                int id = history.seenId(i);
                float l = logits[id];
                logits[id] = l < 0 ? l * rp : l / rp;
            }
        }
        double freq = params.frequencyPenalty();
        double presence = params.presencePenalty();
        if (freq != 0 || presence != 0) {
            for (int i = 0; i < history.generatedDistinct(); i++) {
                int id = history.generatedId(i);
                logits[id] = (float) (logits[id] - (freq * history.generatedCount(id) + presence));
            }
        }
    }

    /** Index of the largest logit, the lowest index on ties; NaN logits are an error (a broken model run). */
    public static int argmax(float[] logits) {
        int best = 0;
        float bestValue = logits[0];
        for (int i = 0; i < logits.length; i++) {
            float l = logits[i];
            if (l > bestValue) {
                bestValue = l;
                best = i;
            } else if (Float.isNaN(l)) {
                throw new IllegalStateException("logits contain NaN at token id " + i);
            }
        }
        if (bestValue == Float.NEGATIVE_INFINITY) {
            throw new IllegalStateException("every token has probability zero (all logits are -infinity)");
        }
        return best;
    }

    /**
     * Applies top-k, top-p and min-p: leaves the surviving ids in {@code candidates[0..n)} with their
     * probabilities relative to the best token in {@code weights}, and returns n; or returns -1 when no filter
     * needs a ranking (temperature and min-p only), so the draw can scan the vocabulary directly.
     */
    private int filter(float[] logits, int best) {
        int vocab = logits.length;
        float max = logits[best];
        int n;
        if (params.topK() > 0 && params.topK() < vocab) {
            n = params.topK();
            ensureCapacity(n);
            Ranking.selectTop(logits, n, candidates);
            double total = 0;
            for (int i = 0; i < n; i++) {
                weights[i] = weight(logits[candidates[i]], max);
                total += weights[i];
            }
            n = keepNucleusOfRanked(n, total);
        } else if (params.topP() < 1) {
            ensureCapacity(vocab);
            n = nucleus.select(logits, max, invTemperature, params.topP(), candidates, weights);
        } else {
            return -1;
        }
        return keepAboveMinP(n);
    }

    /** exp((logit - max) / T): the probability relative to the best token's. */
    private double weight(float logit, float max) {
        return FastExp.exp(((double) logit - max) * invTemperature);
    }

    /** Top-p over best-first candidates: the shortest prefix whose probability reaches topP (at least one). */
    private int keepNucleusOfRanked(int n, double total) {
        if (params.topP() >= 1) {
            return n;
        }
        double limit = params.topP() * total;
        double cumulative = 0;
        for (int i = 0; i < n; i++) {
            if (cumulative >= limit) {
                return Math.max(i, 1);
            }
            cumulative += weights[i];
        }
        return n;
    }

    /** Drops candidates below minP times the best token's probability (relative weight 1), keeping at least one. */
    private int keepAboveMinP(int n) {
        double threshold = params.minP();
        if (threshold <= 0) {
            return n;
        }
        int kept = 0;
        for (int i = 0; i < n; i++) {
            if (weights[i] >= threshold) {
                candidates[kept] = candidates[i];
                weights[kept++] = weights[i];
            }
        }
        return kept; // >= 1: the best token (weight 1) is always a candidate
    }

    private int draw(int n) {
        double sum = 0;
        for (int i = 0; i < n; i++) {
            sum += weights[i];
        }
        double r = random.nextDouble() * sum;
        for (int i = 0; i < n; i++) {
            r -= weights[i];
            if (r < 0) {
                return candidates[i];
            }
        }
        return candidates[n - 1]; // rounding left a sliver of mass
    }

    /** Temperature and min-p only: one exponentiation pass into scratch, then the draw walks it. */
    private int drawFromAll(float[] logits, float max) {
        int vocab = logits.length;
        if (all.length < vocab) {
            all = new double[vocab];
        }
        double threshold = params.minP(); // relative to the best token, whose weight is exp(0) = 1
        double sum = 0;
        for (int i = 0; i < vocab; i++) {
            double w = weight(logits[i], max);
            w = w >= threshold ? w : 0;
            all[i] = w;
            sum += w;
        }
        double r = random.nextDouble() * sum;
        int last = 0;
        for (int i = 0; i < vocab; i++) {
            double w = all[i];
            if (w > 0) {
                last = i;
                r -= w;
                if (r < 0) {
                    return i;
                }
            }
        }
        return last;
    }

    private void ensureCapacity(int k) {
        if (candidates.length < k) {
            candidates = new int[k];
            weights = new double[k];
        }
    }
}
