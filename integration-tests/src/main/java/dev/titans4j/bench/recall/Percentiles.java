package dev.titans4j.bench.recall;

import java.util.Arrays;

/** Nearest-rank percentiles: the p-th percentile of n sorted values is the value at rank ceil(p/100 × n). */
public final class Percentiles {

    private Percentiles() {
    }

    public static double of(double[] values, double percentile) {
        if (values.length == 0) {
            return 0.0;
        }
        if (!(percentile > 0 && percentile <= 100)) {
            throw new IllegalArgumentException("percentile must be in (0, 100], was " + percentile);
        }
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(percentile / 100.0 * sorted.length);
        return sorted[Math.max(rank, 1) - 1];
    }
}
