package dev.titans4j.bench.recall.memory;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.titans4j.bench.recall.dataset.TurnTimes;
import dev.titans4j.titans.chat.RankFusion;
import dev.titans4j.titans.chat.TimeExpressions;

import java.text.BreakIterator;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The tuned retrieval baseline ({@code hybrid}): everything a retrieval memory can do without a neural memory,
 * tuned on the development data with the same effort as the Titans memory (BENCHMARKS.md). Dense keys per turn
 * (exact float vectors of the same encoder): the turn, its context {@code normalise(k_t + β·k_{t−1})} and its best
 * sentence (split by {@link BreakIterator}); lexical BM25 ({@link Bm25Ranker}, Lucene); reciprocal rank fusion;
 * a second dense hop from the mean key of the best first results; and a boost for turns from the period a
 * question names ({@link TimeExpressions}).
 */
public final class HybridRanker implements Ranker {

    /**
     * The knobs.
     *
     * @param k                RRF constant
     * @param lexicalWeight    weight of BM25 (the dense ranking has weight 1)
     * @param secondHopWeight  weight of the second dense hop (0 = none)
     * @param anchors          first results the second hop starts from
     * @param contextWeight    β of the context key (0 = no context key)
     * @param sentenceKeys     whether each sentence of a turn gets its own key
     * @param timeWeight       multiplier 1 + w for turns in the period the question names (0 = ignore dates)
     * @param lexicalHopWeight weight of BM25 again with the best BM25 match's text as the query (0 = none)
     */
    public record Settings(double k, double lexicalWeight, double secondHopWeight, int anchors, double contextWeight,
                           boolean sentenceKeys, double timeWeight, double lexicalHopWeight) {

        public Settings(double k, double lexicalWeight, double secondHopWeight, int anchors, double contextWeight,
                        boolean sentenceKeys, double timeWeight) {
            this(k, lexicalWeight, secondHopWeight, anchors, contextWeight, sentenceKeys, timeWeight, 0);
        }

        public Settings withLexicalHop(double weight) {
            return new Settings(k, lexicalWeight, secondHopWeight, anchors, contextWeight, sentenceKeys, timeWeight,
                    weight);
        }

        /** The best of {@code FusionTuning}'s grid on the development half of LoCoMo (BENCHMARKS.md). */
        public static Settings tuned() {
            return new Settings(10, 2, 1, 5, 1, false, 2);
        }

        /** The untuned hybrid of earlier versions: RRF k = 60 of turn embeddings and BM25. */
        public static Settings plain() {
            return new Settings(60, 1, 0, 5, 0, false, 0);
        }
    }

    private final EmbeddingModel model;
    private final Settings settings;
    private final Bm25Ranker lexical = new Bm25Ranker();
    private final List<ChatTurn> turns = new ArrayList<>();
    private final List<float[]> keys = new ArrayList<>();
    private final List<float[]> contexts = new ArrayList<>();
    private final List<List<float[]>> sentences = new ArrayList<>();
    private final List<Long> times = new ArrayList<>();
    private long vectorBytes;

    public HybridRanker(EmbeddingModel model, Settings settings) {
        this.model = model;
        this.settings = settings;
    }

    @Override
    public void index(ChatTurn turn) {
        if (turn.seq() != turns.size()) {
            throw new IllegalArgumentException("turns must be indexed in order");
        }
        List<String> parts = settings.sentenceKeys() ? sentences(turn.text()) : List.of();
        List<TextSegment> inputs = new ArrayList<>();
        inputs.add(TextSegment.from(turn.text()));
        if (parts.size() > 1) {
            parts.forEach(p -> inputs.add(TextSegment.from(p)));
        }
        List<Embedding> embeddings = model.embedAll(inputs).content();
        float[] key = embeddings.get(0).vector();
        List<float[]> sentenceKeys = new ArrayList<>();
        for (int i = 1; i < embeddings.size(); i++) {
            sentenceKeys.add(embeddings.get(i).vector());
        }
        turns.add(turn);
        keys.add(key);
        contexts.add(keys.size() > 1 && settings.contextWeight() > 0
                ? unit(add(key, keys.get(keys.size() - 2), settings.contextWeight())) : key);
        sentences.add(sentenceKeys);
        times.add(TurnTimes.parse(turn.turn().time()).map(java.time.Instant::toEpochMilli).orElse(Long.MIN_VALUE));
        vectorBytes += (long) Float.BYTES * key.length * (2 + sentenceKeys.size());
        lexical.index(turn);
    }

    @Override
    public void commit() {
        lexical.commit();
    }

    @Override
    public List<ChatTurn> rank(String query) {
        int n = turns.size();
        if (n == 0) {
            return List.of();
        }
        float[] q = model.embed(query).content().vector();
        double[] fused = new double[n];
        RankFusion.addRanks(fused, dense(q), null, 1.0, settings.k());
        List<ChatTurn> bm25 = lexical.rank(query);
        double[] lexicalScores = new double[n];
        boolean[] matched = new boolean[n];
        for (int r = 0; r < bm25.size(); r++) {
            lexicalScores[bm25.get(r).seq()] = bm25.size() - r; // Lucene's order
            matched[bm25.get(r).seq()] = true;
        }
        RankFusion.addRanks(fused, lexicalScores, matched, settings.lexicalWeight(), settings.k());
        if (settings.lexicalHopWeight() > 0 && !bm25.isEmpty()) {
            List<ChatTurn> hop = lexical.rank(novelWords(bm25.get(0).text(), query));
            double[] hopScores = new double[n];
            boolean[] hopMatched = new boolean[n];
            for (int r = 0; r < hop.size(); r++) {
                hopScores[hop.get(r).seq()] = hop.size() - r;
                hopMatched[hop.get(r).seq()] = true;
            }
            RankFusion.addRanks(fused, hopScores, hopMatched, settings.lexicalHopWeight(), settings.k());
        }
        if (settings.secondHopWeight() > 0) {
            Integer[] order = RankFusion.order(fused);
            int m = Math.min(settings.anchors(), n);
            float[] moved = q.clone();
            for (int j = 0; j < m; j++) {
                moved = add(moved, keys.get(order[j]), 1.0 / m);
            }
            RankFusion.addRanks(fused, dense(unit(moved)), null, settings.secondHopWeight(), settings.k());
        }
        Optional<TimeExpressions.Period> period = settings.timeWeight() > 0
                ? TimeExpressions.find(query, ZoneOffset.UTC) : Optional.empty();
        period.ifPresent(p -> {
            for (int i = 0; i < n; i++) {
                if (p.contains(times.get(i))) {
                    fused[i] *= 1 + settings.timeWeight();
                }
            }
        });
        List<ChatTurn> ranked = new ArrayList<>(n);
        for (Integer i : RankFusion.order(fused)) {
            ranked.add(turns.get(i));
        }
        return ranked;
    }

    private double[] dense(float[] q) {
        double[] score = new double[turns.size()];
        for (int i = 0; i < score.length; i++) {
            double whole = dot(keys.get(i), q);
            double best = whole;
            if (!sentences.get(i).isEmpty()) {
                best = Double.NEGATIVE_INFINITY;
                for (float[] s : sentences.get(i)) {
                    best = Math.max(best, dot(s, q));
                }
            }
            score[i] = whole + (settings.contextWeight() > 0 ? dot(contexts.get(i), q) : 0)
                    + (settings.sentenceKeys() ? best : 0);
        }
        return score;
    }

    static List<String> sentences(String text) {
        BreakIterator it = BreakIterator.getSentenceInstance(Locale.ENGLISH);
        it.setText(text);
        List<String> out = new ArrayList<>();
        for (int start = it.first(), end = it.next(); end != BreakIterator.DONE; start = end, end = it.next()) {
            String s = text.substring(start, end).strip();
            if (!s.isEmpty()) {
                out.add(s);
            }
        }
        return out;
    }

    private static double dot(float[] a, float[] b) {
        float s0 = 0;
        float s1 = 0;
        float s2 = 0;
        float s3 = 0;
        int i = 0;
        for (; i + 3 < a.length; i += 4) { // four chains: the adds no longer wait for each other
            s0 += a[i] * b[i];
            s1 += a[i + 1] * b[i + 1];
            s2 += a[i + 2] * b[i + 2];
            s3 += a[i + 3] * b[i + 3];
        }
        for (; i < a.length; i++) {
            s0 += a[i] * b[i];
        }
        return (double) s0 + s1 + s2 + s3;
    }

    private static float[] add(float[] a, float[] b, double w) {
        float[] out = new float[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = (float) (a[i] + w * b[i]);
        }
        return out;
    }

    private static float[] unit(float[] v) {
        double s = 0;
        for (float x : v) {
            s += x * x;
        }
        float inv = (float) (1 / Math.sqrt(s));
        float[] out = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = v[i] * inv;
        }
        return out;
    }

    @Override
    public long indexBytes() {
        return vectorBytes + lexical.indexBytes();
    }

    @Override
    public void close() {
        lexical.close();
    }

    /** The words of {@code text} the query does not have: what the first answer adds (the lexical hop's query). */
    static String novelWords(String text, String query) {
        java.util.Set<String> asked = new java.util.HashSet<>(
                java.util.Arrays.asList(query.toLowerCase(java.util.Locale.ROOT).split("[^\\p{L}\\p{N}]+")));
        StringBuilder novel = new StringBuilder();
        for (String w : text.toLowerCase(java.util.Locale.ROOT).split("[^\\p{L}\\p{N}]+")) {
            if (!w.isEmpty() && !asked.contains(w)) {
                novel.append(w).append(' ');
            }
        }
        return novel.toString().trim();
    }
}
