package dev.titans4j.t2.generation;

import java.util.Arrays;

/**
 * Top-p over the whole vocabulary without sorting it. Every token goes into a bucket by its probability relative
 * to the best token; the buckets are walked from the top until the cumulative probability crosses top-p, and only
 * that crossing bucket is sorted. Every token of a higher bucket precedes it in the ranking, so it is in the
 * nucleus. Reusable scratch: one instance per {@link Sampler}.
 */
final class Nucleus {

    /** Bucket width in units of (logit - max) / T: each bucket spans a probability ratio of e^0.02. */
    private static final double BUCKET_WIDTH = 0.02;
    private static final int BUCKETS = 2048;

    private final double[] bucketMass = new double[BUCKETS];
    private double[] relative = new double[0];
    private short[] bucketOf = new short[0];

    /**
     * Writes the nucleus ids to {@code ids} (sized to the vocabulary) and their probabilities relative to the best
     * token to {@code weights}; returns how many. The crossing bucket's ids come last, best first.
     */
    int select(float[] logits, float max, double invTemperature, double topP, int[] ids, double[] weights) {
        int vocab = logits.length;
        if (relative.length < vocab) {
            relative = new double[vocab];
            bucketOf = new short[vocab];
        }
        Arrays.fill(bucketMass, 0);
        double z = 0;
        for (int i = 0; i < vocab; i++) {
            double x = ((double) logits[i] - max) * invTemperature; // <= 0
            double w = FastExp.exp(x);
            int b = (int) Math.min(BUCKETS - 1, -x / BUCKET_WIDTH);
            relative[i] = w;
            bucketOf[i] = (short) b;
            bucketMass[b] += w;
            z += w;
        }
        double limit = topP * z;
        double before = 0; // probability of the buckets above the crossing one
        int crossing = 0;
        while (crossing < BUCKETS - 1 && before + bucketMass[crossing] < limit) {
            before += bucketMass[crossing];
            crossing++;
        }
        int n = 0;
        for (int i = 0; i < vocab; i++) {
            if (bucketOf[i] < crossing) {
                ids[n++] = i;
            }
        }
        int crossingStart = n;
        for (int i = 0; i < vocab; i++) {
            if (bucketOf[i] == crossing) {
                ids[n++] = i;
            }
        }
        int[] tail = Arrays.copyOfRange(ids, crossingStart, n);
        Ranking.sort(logits, tail, tail.length);
        double cumulative = before;
        int kept = crossingStart;
        for (int id : tail) {
            if (kept > 0 && cumulative >= limit) {
                break;
            }
            ids[kept++] = id;
            cumulative += relative[id];
        }
        for (int i = 0; i < kept; i++) {
            weights[i] = relative[ids[i]];
        }
        return kept;
    }
}
