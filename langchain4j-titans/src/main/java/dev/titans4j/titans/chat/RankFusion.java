package dev.titans4j.titans.chat;

import java.util.Arrays;

/**
 * Weighted reciprocal rank fusion (Cormack, Clarke and Büttcher, SIGIR 2009) over score arrays: a ranking adds
 * {@code weight / (k + rank)} to each item it covers, ranks starting at 1. The one fusion of the project: the
 * Titans recall and the benchmark's retrieval baselines both rank with it. Ties in a ranking go to the higher index:
 * the later of two equal statements ("Mary went to the kitchen." said twice) is the current one, and results stay
 * deterministic (on the bAbI tuning split and LoCoMo's development half this ordering was slightly better than the
 * reverse, BENCHMARKS.md).
 */
public final class RankFusion {

    private RankFusion() {
    }

    /**
     * Adds one ranking's votes to {@code fused}.
     *
     * @param scores  higher is better
     * @param covered which items the ranking ranks at all ({@code null}: every item); uncovered items get no vote
     */
    public static void addRanks(double[] fused, double[] scores, boolean[] covered, double weight, double k) {
        if (weight == 0) {
            return;
        }
        Integer[] order = order(scores);
        int rank = 0;
        for (Integer i : order) {
            if (covered == null || covered[i]) {
                rank++;
                fused[i] += weight / (k + rank);
            }
        }
    }

    /** Indices of {@code scores}, best first; at equal scores the higher index (the later-written) first. */
    public static Integer[] order(double[] scores) {
        Integer[] order = new Integer[scores.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> scores[a] != scores[b] ? Double.compare(scores[b], scores[a])
                : Integer.compare(b, a));
        return order;
    }
}
