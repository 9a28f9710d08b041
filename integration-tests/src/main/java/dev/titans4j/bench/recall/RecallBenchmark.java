package dev.titans4j.bench.recall;

import dev.titans4j.bench.recall.dataset.Conversation;
import dev.titans4j.bench.recall.dataset.Question;
import dev.titans4j.bench.recall.dataset.RecallDataset;
import dev.titans4j.bench.recall.dataset.Turn;
import dev.titans4j.bench.recall.memory.BudgetPacker;
import dev.titans4j.bench.recall.memory.ChatTurn;
import dev.titans4j.bench.recall.memory.RecallMemory;
import dev.titans4j.bench.recall.memory.RecallMemoryFactory;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Runs one memory over a dataset: per conversation a fresh memory gets every turn in order, then every question;
 * a question scores the share of its evidence turns among the injected turns.
 */
public final class RecallBenchmark {

    private final int budgetTokens;
    private final IngestProgress progress;

    public RecallBenchmark(int budgetTokens, IngestProgress progress) {
        if (budgetTokens <= 0) {
            throw new IllegalArgumentException("budget must be positive, was " + budgetTokens);
        }
        this.budgetTokens = budgetTokens;
        this.progress = progress;
    }

    /**
     * Evidence recall at several budgets from one ingest per conversation (for tuning grids; a memory may answer
     * the second budget of a question from the ranking it made for the first, so only recall figures count).
     */
    public static List<MemoryResult> runBudgets(String memoryName, RecallMemoryFactory factory, RecallDataset dataset,
                                                int... budgets) {
        List<RecallMemory> shared = new ArrayList<>();
        List<MemoryResult> results = new ArrayList<>();
        for (int b = 0; b < budgets.length; b++) {
            int index = b;
            // each conversation is ingested once, by the first budget's run, and its memory reused by the others
            RecallMemoryFactory reuse = new RecallMemoryFactory() {
                private int conversation;

                @Override
                public RecallMemory create() {
                    if (index == 0) {
                        RecallMemory m = factory.create();
                        shared.add(m);
                        return new Unclosed(m, false);
                    }
                    return new Unclosed(shared.get(conversation++), true);
                }
            };
            results.add(new RecallBenchmark(budgets[b], IngestProgress.NONE).run(memoryName, reuse, dataset));
        }
        shared.forEach(RecallMemory::close);
        return results;
    }

    /** A memory passed on to the next budget: not closed in between, and not fed its turns again. */
    private record Unclosed(RecallMemory memory, boolean ingested) implements RecallMemory {
        @Override
        public void add(ChatTurn turn) {
            if (!ingested) {
                memory.add(turn);
            }
        }

        @Override
        public void endOfIngest() {
            if (!ingested) {
                memory.endOfIngest();
            }
        }

        @Override
        public List<ChatTurn> inject(String question, int budgetTokens) {
            return memory.inject(question, budgetTokens);
        }

        @Override
        public long stateBytes() {
            return memory.stateBytes();
        }

        @Override
        public long[] bytesWrittenPerAdd() {
            return ingested ? new long[0] : memory.bytesWrittenPerAdd();
        }

        @Override
        public void close() {
        }
    }

    public MemoryResult run(String memoryName, RecallMemoryFactory factory, RecallDataset dataset) {
        Map<String, double[]> categorySums = new LinkedHashMap<>(); // category -> {sum, count}
        double recallSum = 0;
        long injectedTokens = 0;
        long ingestNanos = 0;
        long stateBytes = 0;
        double[] recallMillis = new double[dataset.questionCount()];
        int asked = 0;
        List<Long> writes = new ArrayList<>();

        progress.start(memoryName, dataset.turnCount());
        try {
            for (Conversation conversation : dataset.conversations()) {
                try (RecallMemory memory = factory.create()) {
                    ingestNanos += ingest(memory, conversation);
                    stateBytes += memory.stateBytes();
                    for (long w : memory.bytesWrittenPerAdd()) {
                        writes.add(w);
                    }
                    for (Question question : conversation.questions()) {
                        long start = System.nanoTime();
                        List<ChatTurn> injected = memory.inject(question.question(), budgetTokens);
                        recallMillis[asked++] = (System.nanoTime() - start) / 1e6;
                        int tokens = BudgetPacker.tokens(injected);
                        if (tokens > budgetTokens) {
                            throw new IllegalStateException(memoryName + " injected " + tokens
                                    + " tokens for question '" + question.id() + "', over the budget of "
                                    + budgetTokens);
                        }
                        injectedTokens += tokens;
                        double recall = evidenceRecall(question, injected);
                        recallSum += recall;
                        double[] sum = categorySums.computeIfAbsent(question.category(), c -> new double[2]);
                        sum[0] += recall;
                        sum[1]++;
                    }
                }
            }
        } finally {
            progress.finish();
        }

        Map<String, Double> categories = new LinkedHashMap<>();
        categorySums.forEach((category, sum) -> categories.put(category, sum[0] / sum[1]));
        int turns = dataset.turnCount();
        return new MemoryResult(memoryName, recallSum / asked, categories, (double) injectedTokens / asked,
                ingestNanos / 1e6 / turns, Percentiles.of(recallMillis, 50), Percentiles.of(recallMillis, 95),
                stateBytes / dataset.conversations().size(), asked, turns, mean(writes),
                writes.isEmpty() ? Double.NaN : Percentiles.of(writes.stream().mapToDouble(Long::doubleValue)
                        .toArray(), 95));
    }

    private long ingest(RecallMemory memory, Conversation conversation) {
        String firstSpeaker = conversation.turns().get(0).speaker();
        long nanos = 0;
        int seq = 0;
        for (Turn turn : conversation.turns()) {
            ChatTurn chatTurn = ChatTurn.of(seq++, turn, firstSpeaker);
            long start = System.nanoTime();
            memory.add(chatTurn);
            nanos += System.nanoTime() - start;
            progress.advance(1);
        }
        long start = System.nanoTime();
        memory.endOfIngest();
        return nanos + System.nanoTime() - start;
    }

    private static double mean(List<Long> values) {
        return values.isEmpty() ? Double.NaN : values.stream().mapToLong(Long::longValue).average().orElseThrow();
    }

    /** Share of the question's evidence turns that are among the injected turns. */
    static double evidenceRecall(Question question, List<ChatTurn> injected) {
        Set<String> injectedIds = new HashSet<>();
        injected.forEach(t -> injectedIds.add(t.id()));
        long found = question.evidence().stream().distinct().filter(injectedIds::contains).count();
        return (double) found / question.evidence().stream().distinct().count();
    }
}
