package dev.titans4j.t2.generation;

import java.util.Objects;
import java.util.SplittableRandom;

/**
 * Chooses each next token from the logits of the last position, following {@link SamplingParameters}.
 * One instance per request: it owns the seeded random source, so the same seed and the same logits give the same
 * token ids. Not thread-safe.
 *
 * <p>Cost per token: penalties touch only the ids in the {@link TokenHistory}; with top-k, a bounded heap selects
 * the k best ids in one pass (no sort of the vocabulary) and only those are exponentiated; top-p without top-k
 * selects a growing top slice until it holds the nucleus (a full sort only for near-flat distributions).
 */
public final class Sampler {

    /** First slice examined for top-p without top-k; grows eightfold until it holds the nucleus. */
    private static final int TOP_P_FIRST_SLICE = 256;

    private final SamplingParameters params;
    private final SplittableRandom random;
    private final double invTemperature;
    private int[] candidates = new int[0];
    private double[] weights = new double[0];

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
        if (params.isGreedy()) {
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
        if (params.isGreedy()) {
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

    /**
     * Applies top-k, top-p and min-p: leaves the surviving ids best-first in {@code candidates[0..n)} with their
     * unnormalised probabilities in {@code weights}, and returns n; or returns -1 when no filter needs a ranking
     * (temperature and min-p only), so the draw can scan the vocabulary directly.
     */
    private int filter(float[] logits, int best) {
        int vocab = logits.length;
        float max = logits[best];
        int k = params.topK() > 0 ? Math.min(params.topK(), vocab) : vocab;
        int n;
        double total;
        if (k < vocab) {
            n = selectTop(logits, k);
            total = weigh(logits, n, max);
        } else if (params.topP() < 1) {
            double z = 0;
            for (float l : logits) {
                z += weight(l, max);
            }
            int slice = Math.min(vocab, TOP_P_FIRST_SLICE);
            while (true) {
                n = selectTop(logits, slice);
                double mass = weigh(logits, n, max);
                if (slice == vocab || mass >= params.topP() * z) {
                    break;
                }
                slice = (int) Math.min(vocab, slice * 8L);
            }
            total = z;
        } else {
            return -1;
        }
        n = keepNucleus(n, total);
        return keepAboveMinP(n);
    }

    /** exp((logit - max) / T): the probability relative to the best token's. */
    private double weight(float logit, float max) {
        return Math.exp(((double) logit - max) * invTemperature);
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
    static int argmax(float[] logits) {
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

    /** Puts the k best ids into candidates[0..k), best first (lower id first on ties), via a bounded min-heap. */
    private int selectTop(float[] logits, int k) {
        ensureCapacity(k);
        int[] heap = candidates;
        for (int i = 0; i < k; i++) {
            heap[i] = i;
            siftUp(logits, heap, i);
        }
        for (int i = k; i < logits.length; i++) {
            if (better(logits, i, heap[0])) {
                heap[0] = i;
                siftDown(logits, heap, 0, k);
            }
        }
        // Heap sort: repeatedly move the worst kept id to the end, leaving the best first.
        for (int end = k - 1; end > 0; end--) {
            int worst = heap[0];
            heap[0] = heap[end];
            heap[end] = worst;
            siftDown(logits, heap, 0, end);
        }
        return k;
    }

    private static boolean better(float[] logits, int a, int b) {
        return logits[a] > logits[b] || (logits[a] == logits[b] && a < b);
    }

    private static void siftUp(float[] logits, int[] heap, int i) {
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            if (!better(logits, heap[parent], heap[i])) {
                break;
            }
            swap(heap, parent, i);
            i = parent;
        }
    }

    private static void siftDown(float[] logits, int[] heap, int i, int size) {
        while (true) {
            int left = 2 * i + 1;
            if (left >= size) {
                return;
            }
            int worse = left;
            int right = left + 1;
            if (right < size && better(logits, heap[left], heap[right])) {
                worse = right;
            }
            if (!better(logits, heap[i], heap[worse])) {
                return;
            }
            swap(heap, i, worse);
            i = worse;
        }
    }

    private static void swap(int[] a, int i, int j) {
        int t = a[i];
        a[i] = a[j];
        a[j] = t;
    }

    /** Unnormalised probabilities exp((l - max) / T) of the first n candidates; returns their sum. */
    private double weigh(float[] logits, int n, float max) {
        double sum = 0;
        for (int i = 0; i < n; i++) {
            double w = weight(logits[candidates[i]], max);
            weights[i] = w;
            sum += w;
        }
        return sum;
    }

    /** Keeps the shortest best-first prefix whose probability reaches topP (as Hugging Face: at least one). */
    private int keepNucleus(int n, double total) {
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

    /** Drops candidates below minP times the best one's probability (whose weight is 1 by construction). */
    private int keepAboveMinP(int n) {
        double threshold = params.minP() * weights[0];
        int kept = 1;
        while (kept < n && weights[kept] >= threshold) {
            kept++;
        }
        return kept;
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

    /** Temperature and min-p only: one pass for the mass, one for the draw; no candidate list. */
    private int drawFromAll(float[] logits, float max) {
        double threshold = params.minP(); // relative to the best token, whose weight is exp(0) = 1
        double sum = 0;
        for (float l : logits) {
            double w = weight(l, max);
            if (w >= threshold) {
                sum += w;
            }
        }
        double r = random.nextDouble() * sum;
        int last = 0;
        for (int i = 0; i < logits.length; i++) {
            double w = weight(logits[i], max);
            if (w >= threshold) {
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
