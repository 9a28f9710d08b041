package dev.titans4j.bench.recall.memory;

import java.util.List;

/** A retrieval index over the turns of one conversation: indexes turns, ranks them for a query, best first. */
public interface Ranker extends AutoCloseable {

    void index(ChatTurn turn);

    /** Makes everything indexed searchable (e.g. refreshes a Lucene reader). */
    default void commit() {
    }

    /** Turns relevant to {@code query}, best first; turns with no relevance at all may be left out. */
    List<ChatTurn> rank(String query);

    /** Bytes of index state beyond the turn text (vectors, postings). */
    long indexBytes();

    @Override
    default void close() {
    }
}
