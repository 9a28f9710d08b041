package dev.titans4j.titans.chat;

import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Ranks the archive for a query as {@link RecallFusion} describes. Stateless apart from its settings. */
final class RecallRanker {

    /** Read strength of the exact-readout ablation (tuned on the development data like θ of the learned memory). */
    static final double EXACT_READOUT_STRENGTH = 2.0;

    private final RecallFusion fusion;
    private final ZoneId zone;
    private final boolean exactReadout;

    RecallRanker(RecallFusion fusion, ZoneId zone, boolean exactReadout) {
        this.fusion = fusion;
        this.zone = zone;
        this.exactReadout = exactReadout;
    }

    RecallFusion fusion() {
        return fusion;
    }

    List<RecalledSegment> rank(String query, float[] queryEmbedding, List<MemoryEntry> entries,
                               Map<Long, Double> contextNorms, LexicalIndex lexical, ExpectationMemory neural) {
        int n = entries.size();
        if (n == 0 || query == null || query.isBlank()) {
            return List.of();
        }
        Map<Long, Integer> index = new HashMap<>(n * 2);
        for (int i = 0; i < n; i++) {
            index.put(entries.get(i).id(), i);
        }
        double[] q = toDouble(queryEmbedding);
        double[] fused = new double[n];
        addRanks(fused, dense(adapt(q, entries, neural), entries, index, contextNorms), null, fusion.denseWeight());
        double[] lexicalScores = new double[n];
        boolean[] matched = new boolean[n];
        lexical.score(query).forEach((id, score) -> {
            Integer i = index.get(id);
            if (i != null) {
                lexicalScores[i] = score;
                matched[i] = true;
            }
        });
        addRanks(fused, lexicalScores, matched, fusion.lexicalWeight());
        if (fusion.lexicalHopWeight() > 0) {
            lexicalHop(query, fused, lexicalScores, matched, entries, index, lexical);
        }
        if (fusion.secondHopWeight() > 0) {
            double[] q2 = secondHopQuery(q, fused, entries);
            addRanks(fused, dense(adapt(q2, entries, neural), entries, index, contextNorms), null,
                    fusion.secondHopWeight());
        }
        Optional<TimeExpressions.Period> period = fusion.timeWeight() > 0 ? TimeExpressions.find(query, zone)
                : Optional.empty();
        period.ifPresent(p -> {
            for (int i = 0; i < n; i++) {
                if (p.contains(entries.get(i).timeMillis())) {
                    fused[i] *= 1 + fusion.timeWeight();
                }
            }
        });
        List<RecalledSegment> ranked = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            MemoryEntry e = entries.get(i);
            ranked.add(new RecalledSegment(e.seq(), e.part(), e.speaker(), e.text(), RecalledSegment.time(e.timeMillis()),
                    fused[i]));
        }
        ranked.sort(Comparator.comparingDouble(RecalledSegment::score).reversed()
                .thenComparing(Comparator.comparingLong(RecalledSegment::seq).reversed())
                .thenComparingInt(RecalledSegment::part));
        return ranked;
    }

    /**
     * BM25 with the terms of the best BM25 match that the question does not have as the query (nothing when no
     * segment matched the question): what the first answer adds is what the next fact shares with it.
     */
    private void lexicalHop(String query, double[] fused, double[] lexicalScores, boolean[] matched, List<MemoryEntry> entries,
                            Map<Long, Integer> index, LexicalIndex lexical) {
        int best = -1;
        for (int i = 0; i < matched.length; i++) {
            if (matched[i] && (best < 0 || lexicalScores[i] >= lexicalScores[best])) { // ties: the later
                best = i;
            }
        }
        if (best < 0) {
            return;
        }
        double[] hop = new double[fused.length];
        boolean[] hopMatched = new boolean[fused.length];
        List<String> novel = new ArrayList<>(LexicalIndex.terms(entries.get(best).text()));
        novel.removeAll(LexicalIndex.terms(query));
        lexical.score(novel).forEach((id, score) -> {
            Integer i = index.get(id);
            if (i != null) {
                hop[i] = score;
                hopMatched[i] = true;
            }
        });
        addRanks(fused, hop, hopMatched, fusion.lexicalHopWeight());
    }

    /** The query recall searches with: its surprise under the neural memory (or the ablation's exact readout). */
    private double[] adapt(double[] q, List<MemoryEntry> entries, ExpectationMemory neural) {
        return exactReadout ? exactReadout(q, entries) : neural.surprise(q);
    }

    /**
     * The ablation that replaces the learned memory's read by an exact readout over the same keys: linear
     * attention {@code (γ/n)·Σ_i (k_i·q)·k_i} over every archived key, no learning; the query minus it.
     */
    private static double[] exactReadout(double[] q, List<MemoryEntry> entries) {
        double[] unit = normalised(q);
        double[] read = new double[q.length];
        for (MemoryEntry e : entries) {
            PackedKey k = e.keys().whole();
            k.addTo(read, k.dot(unit));
        }
        double scale = EXACT_READOUT_STRENGTH / entries.size();
        for (int i = 0; i < read.length; i++) {
            read[i] = unit[i] - scale * read[i];
        }
        return normalised(read);
    }

    /** Per entry: whole key + context key + best sentence key, each against {@code r}. */
    private double[] dense(double[] r, List<MemoryEntry> entries, Map<Long, Integer> index,
                           Map<Long, Double> contextNorms) {
        int n = entries.size();
        double[] whole = new double[n];
        for (int i = 0; i < n; i++) {
            whole[i] = entries.get(i).keys().whole().dot(r);
        }
        double beta = fusion.contextWeight();
        double[] score = new double[n];
        for (int i = 0; i < n; i++) {
            MemoryEntry e = entries.get(i);
            Integer previous = index.get(e.previousId());
            Double norm = contextNorms.get(e.id());
            double context = previous == null || norm == null || norm == 0 ? whole[i]
                    : (whole[i] + beta * whole[previous]) / norm;
            score[i] = whole[i] + context + e.keys().bestSentence(r, whole[i]);
        }
        return score;
    }

    /** {@code normalise(q + mean of the whole keys of the best-fused anchors)}. */
    private double[] secondHopQuery(double[] q, double[] fused, List<MemoryEntry> entries) {
        Integer[] order = RankFusion.order(fused);
        int anchors = Math.min(fusion.secondHopAnchors(), order.length);
        double[] moved = q.clone();
        for (int j = 0; j < anchors; j++) {
            entries.get(order[j]).keys().whole().addTo(moved, 1.0 / anchors);
        }
        return normalised(moved);
    }

    private void addRanks(double[] fused, double[] scores, boolean[] covered, double weight) {
        RankFusion.addRanks(fused, scores, covered, weight, fusion.k());
    }

    private static double[] toDouble(float[] v) {
        double[] d = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            d[i] = v[i];
        }
        return d;
    }

    private static double[] normalised(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x * x;
        }
        double norm = Math.sqrt(s);
        double[] out = v.clone();
        if (norm > 0) {
            for (int i = 0; i < out.length; i++) {
                out[i] /= norm;
            }
        }
        return out;
    }
}
