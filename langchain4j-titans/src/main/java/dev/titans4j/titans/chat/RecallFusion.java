package dev.titans4j.titans.chat;

/**
 * How recall ranks archived segments. Each signal ranks the archive and contributes by reciprocal rank fusion,
 * {@code weight / (k + rank)} with ranks from 1:
 * <ul>
 *   <li><b>dense</b>: the segment's keys against the query's surprise under the neural memory (see
 *       {@link ExpectationMemory}): the whole segment's key, its context key {@code normalise(k_t + β·k_{t−1})}
 *       (the segment read together with the one before it, which often holds what a short answer refers to) and
 *       its best passage key (see {@link SegmentKeys}), summed;</li>
 *   <li><b>lexical</b>: BM25 over the segment texts (segments sharing no term with the query get no vote);</li>
 *   <li><b>second hop</b>: the dense ranking again for the query moved towards the mean key of the
 *       {@code secondHopAnchors} best segments of the first two rankings, which reaches facts that share no words
 *       with the question but resemble its first answers (lists of activities, several events of one kind);</li>
 *   <li><b>lexical second hop</b>: BM25 again with the terms of the best BM25 match that the question lacks as
 *       the query, which reaches the fact that continues the first one in other words (the question names the
 *       ball, its best match names who took it, the hop finds where that person went next);</li>
 *   <li><b>time</b>: when the query names a day, month or year, the fused score of a segment added in that period
 *       is multiplied by {@code 1 + timeWeight}.</li>
 * </ul>
 * The defaults are the best of a tuning grid on the development half of LoCoMo, the same grid the benchmark's
 * retrieval baseline got (BENCHMARKS.md): k = 10, every weight 1, 5 anchors, β = 1, time weight 2; the lexical
 * second hop (0.5) was weighed on bAbI's train split against LoCoMo: it carries two-fact questions there and is
 * nearly neutral on LoCoMo.
 *
 * @param denseWeight      weight of the dense ranking
 * @param lexicalWeight    weight of the BM25 ranking
 * @param secondHopWeight  weight of the second-hop dense ranking (0 = no second hop)
 * @param secondHopAnchors how many first-pass segments the second hop starts from (≥ 1)
 * @param timeWeight       boost of segments from the period the query names (0 = ignore dates)
 * @param contextWeight    β of the context key (0 = the context key is the segment's own key)
 * @param k                the rank-fusion constant (> 0)
 * @param lexicalHopWeight weight of the lexical second hop (0 = none)
 */
public record RecallFusion(double denseWeight, double lexicalWeight, double secondHopWeight, int secondHopAnchors,
                           double timeWeight, double contextWeight, double k, double lexicalHopWeight) {

    public RecallFusion {
        requireWeight(denseWeight, "denseWeight");
        requireWeight(lexicalWeight, "lexicalWeight");
        requireWeight(secondHopWeight, "secondHopWeight");
        requireWeight(timeWeight, "timeWeight");
        requireWeight(contextWeight, "contextWeight");
        requireWeight(lexicalHopWeight, "lexicalHopWeight");
        if (secondHopAnchors < 1) {
            throw new IllegalArgumentException("secondHopAnchors must be >= 1, got " + secondHopAnchors);
        }
        if (!(k > 0) || Double.isInfinite(k)) {
            throw new IllegalArgumentException("k must be > 0, got " + k);
        }
    }

    /** Without a lexical second hop. */
    public RecallFusion(double denseWeight, double lexicalWeight, double secondHopWeight, int secondHopAnchors,
                        double timeWeight, double contextWeight, double k) {
        this(denseWeight, lexicalWeight, secondHopWeight, secondHopAnchors, timeWeight, contextWeight, k, 0);
    }

    public static RecallFusion defaults() {
        return new RecallFusion(1.0, 1.0, 1.0, 5, 2.0, 1.0, 10.0, 0.5);
    }

    private static void requireWeight(double w, String name) {
        if (!(w >= 0) || Double.isInfinite(w)) {
            throw new IllegalArgumentException(name + " must be finite and >= 0, got " + w);
        }
    }
}
