package dev.titans4j.titans.chat;

/**
 * How recall ranks archived segments: weighted reciprocal-rank fusion of the two neural reads (segments ranked by
 * cos(M*(q), address code) in the content memory and in the context memory) and the lexical BM25 ranking, plus a
 * recency prior:
 * <pre>
 *   score = neuralWeight / (k + rank_content) + contextNeuralWeight / (k + rank_context)
 *         + lexicalWeight / (k + rank_lexical) + recencyWeight / (k + rank_recency)
 * </pre>
 * Ranks start at 1 and each ranking votes only for its first {@code depth} segments: a ranking that orders every
 * archived segment (a neural read does) would otherwise add a little score to every segment and let its weak tail
 * outvote another signal's confident top (on the tuning sets depth 20 gave bAbI 0.96 vs 0.93 with full rankings,
 * and kept the paraphrased needles at 0.85). A segment sharing no term with the query has no lexical term. rank_recency orders archived
 * segments newest first. With a second-hop weight above 0 recall reads a second time, with the best segment of
 * the first pass as the query (its embedding for the neural read, its text for BM25), and adds those two rankings
 * with {@code secondHopNeuralWeight} and {@code secondHopLexicalWeight}: facts linked to the question only through the first hit (e.g. where the person who
 * picked up the football went next) become reachable. The defaults were chosen on a tuning set generated separately from the reported sets
 * (see BENCHMARKS.md).
 *
 * @param neuralWeight  weight of the content memory's ranking
 * @param contextNeuralWeight weight of the context memory's ranking
 * @param lexicalWeight weight of the BM25 ranking
 * @param recencyWeight weight of the recency ranking
 * @param secondHopNeuralWeight  weight of the second read's neural ranking
 * @param secondHopLexicalWeight weight of the second read's BM25 ranking
 * @param k             the rank-fusion constant
 * @param depth         how many of its best segments each ranking votes for (≥ 1)
 */
public record RecallFusion(double neuralWeight, double contextNeuralWeight, double lexicalWeight, double recencyWeight,
                           double secondHopNeuralWeight, double secondHopLexicalWeight, double k,
                           int depth) {

    public RecallFusion {
        requireWeight(neuralWeight, "neuralWeight");
        requireWeight(contextNeuralWeight, "contextNeuralWeight");
        requireWeight(lexicalWeight, "lexicalWeight");
        requireWeight(recencyWeight, "recencyWeight");
        requireWeight(secondHopNeuralWeight, "secondHopNeuralWeight");
        requireWeight(secondHopLexicalWeight, "secondHopLexicalWeight");
        if (!(k > 0) || Double.isInfinite(k)) {
            throw new IllegalArgumentException("k must be > 0, got " + k);
        }
        if (depth < 1) {
            throw new IllegalArgumentException("depth must be >= 1, got " + depth);
        }
    }

    /** The fusion of earlier versions: every ranking votes for all its segments (depth unlimited). */
    public RecallFusion(double neuralWeight, double contextNeuralWeight, double lexicalWeight, double recencyWeight,
                        double secondHopNeuralWeight, double secondHopLexicalWeight, double k) {
        this(neuralWeight, contextNeuralWeight, lexicalWeight, recencyWeight, secondHopNeuralWeight,
                secondHopLexicalWeight, k, Integer.MAX_VALUE);
    }

    public static RecallFusion defaults() {
        return new RecallFusion(2.0, 1.0, 1.0, 0.0, 0.0, 1.0, 60, 20);
    }

    private static void requireWeight(double w, String name) {
        if (!(w >= 0) || Double.isInfinite(w)) {
            throw new IllegalArgumentException(name + " must be finite and >= 0, got " + w);
        }
    }
}
