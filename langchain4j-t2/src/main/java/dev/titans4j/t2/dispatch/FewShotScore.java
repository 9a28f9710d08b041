package dev.titans4j.t2.dispatch;

import java.util.Comparator;

/**
 * How well a mix does on a task's examples: the share the model answers exactly under greedy decoding, and the mean
 * log-likelihood of the answers (per example, summed over answer tokens), which breaks ties.
 */
public record FewShotScore(double accuracy, double logLikelihood) {

    /** Accuracy first, then log-likelihood. */
    public static final Comparator<FewShotScore> ORDER = Comparator.comparingDouble(FewShotScore::accuracy)
            .thenComparingDouble(FewShotScore::logLikelihood);
}
