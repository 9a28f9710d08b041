package dev.titans4j.bench.recall.memory;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reciprocal rank fusion (Cormack, Clarke and Büttcher, SIGIR 2009): {@code score(d) = Σ_r 1 / (k + rank_r(d))}
 * with ranks starting at 1; a ranking that does not contain d contributes nothing. Ties go to the item with the
 * better single best rank, then to the one first seen.
 */
public final class ReciprocalRankFusion {

    public static final int DEFAULT_K = 60;

    private ReciprocalRankFusion() {
    }

    public static <T> List<T> fuse(List<? extends List<T>> rankings, int k) {
        if (k < 0) {
            throw new IllegalArgumentException("k must be >= 0, was " + k);
        }
        Map<T, Fused<T>> fused = new HashMap<>();
        int order = 0;
        for (List<T> ranking : rankings) {
            for (int i = 0; i < ranking.size(); i++) {
                T item = ranking.get(i);
                Fused<T> entry = fused.get(item);
                if (entry == null) {
                    entry = new Fused<>(item, order++);
                    fused.put(item, entry);
                }
                int rank = i + 1;
                entry.score += 1.0 / (k + rank);
                entry.bestRank = Math.min(entry.bestRank, rank);
            }
        }
        List<Fused<T>> entries = new ArrayList<>(fused.values());
        entries.sort(Comparator.<Fused<T>>comparingDouble(e -> -e.score)
                .thenComparingInt(e -> e.bestRank)
                .thenComparingInt(e -> e.firstSeen));
        List<T> result = new ArrayList<>(entries.size());
        entries.forEach(e -> result.add(e.item));
        return result;
    }

    /** The fused score of {@code item}, for explanation and tests. */
    public static <T> double score(List<? extends List<T>> rankings, int k, T item) {
        double score = 0;
        for (List<T> ranking : rankings) {
            int index = ranking.indexOf(item);
            if (index >= 0) {
                score += 1.0 / (k + index + 1);
            }
        }
        return score;
    }

    private static final class Fused<T> {
        final T item;
        final int firstSeen;
        double score;
        int bestRank = Integer.MAX_VALUE;

        Fused(T item, int firstSeen) {
            this.item = item;
            this.firstSeen = firstSeen;
        }
    }
}
