package dev.titans4j.bench.recall.memory;

import java.util.List;

/**
 * A conversation memory under test. The benchmark creates one per conversation, {@link #add adds} every turn in
 * order, calls {@link #endOfIngest()}, then asks each question through {@link #inject}.
 *
 * <p>Budget rule (the same for every memory): the injected turns' {@link ChatTurn#tokens() tokens}, window and
 * recalled together, never exceed {@code budgetTokens}. Memories with a long-term store give a
 * {@link BudgetPolicy#recentShare() fixed share} of the budget to the verbatim recent window and the rest to what
 * they recall from older turns (see {@link BudgetPolicy}).
 */
public interface RecallMemory extends AutoCloseable {

    void add(ChatTurn turn);

    /** Everything added is now searchable; time spent here counts as ingest time. */
    default void endOfIngest() {
    }

    /** The turns whose text would be injected into the prompt for {@code question}, in conversation order. */
    List<ChatTurn> inject(String question, int budgetTokens);

    /** Bytes the memory keeps for this conversation (text, vectors, index, neural state). */
    long stateBytes();

    /**
     * Bytes each add wrote to durable storage, in add order, for memories that persist as they go (empty for the
     * others, which keep everything in process memory).
     */
    default long[] bytesWrittenPerAdd() {
        return new long[0];
    }

    @Override
    default void close() {
    }
}
