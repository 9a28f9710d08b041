package dev.titans4j.bench.recall.memory;

import java.util.ArrayList;
import java.util.List;

/** Hybrid retrieval: {@link ReciprocalRankFusion} of several rankers' rankings over the same turns. */
public final class FusedRanker implements Ranker {

    private final List<Ranker> rankers;
    private final int k;

    public FusedRanker(List<Ranker> rankers, int k) {
        if (rankers.isEmpty()) {
            throw new IllegalArgumentException("a fused ranker needs at least one ranker");
        }
        this.rankers = List.copyOf(rankers);
        this.k = k;
    }

    @Override
    public void index(ChatTurn turn) {
        rankers.forEach(r -> r.index(turn));
    }

    @Override
    public void commit() {
        rankers.forEach(Ranker::commit);
    }

    @Override
    public List<ChatTurn> rank(String query) {
        List<List<ChatTurn>> rankings = new ArrayList<>();
        rankers.forEach(r -> rankings.add(r.rank(query)));
        return ReciprocalRankFusion.fuse(rankings, k);
    }

    @Override
    public long indexBytes() {
        return rankers.stream().mapToLong(Ranker::indexBytes).sum();
    }

    @Override
    public void close() {
        rankers.forEach(Ranker::close);
    }
}
