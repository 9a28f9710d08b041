package dev.titans4j.bench.recall.titans;

import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.titans4j.bench.recall.dataset.TurnTimes;
import dev.titans4j.bench.recall.memory.BudgetPacker;
import dev.titans4j.bench.recall.memory.BudgetPolicy;
import dev.titans4j.bench.recall.memory.ChatTurn;
import dev.titans4j.bench.recall.memory.RecallMemory;
import dev.titans4j.titans.chat.RecalledSegment;
import dev.titans4j.titans.chat.TitansChatMemory;
import dev.titans4j.titans.store.InMemoryMemoryStateStore;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * {@link TitansChatMemory} in the recall benchmark: {@code titans}, and its ablations {@code titans-no-write} (the
 * neural memory never trained: recall searches the same archived keys with the question itself, an exact index)
 * and {@code titans-exact-read} (the neural memory's read replaced by an exact linear-attention readout over the
 * same keys, no test-time learning). Every turn is added to the chat memory as its chat message, at the time the
 * dataset gives its session; the memory keeps one message in its own window, so every earlier turn has gone
 * through long-term memory. At question time the benchmark's {@link BudgetPolicy} window is injected like for
 * every memory, and the rest of the budget is filled, best first, with the turns the memory ranks
 * ({@link TitansChatMemory#rank}) that are not in that window. State bytes: what the store holds for the
 * conversation after its last add (snapshot plus log records).
 */
public final class TitansRecallMemory implements RecallMemory {

    /** Which memory the benchmark runs. */
    public enum Variant {
        TITANS, NO_WRITE, EXACT_READ
    }

    private static final String ID = "conversation";

    private final BudgetPolicy policy;
    private final InMemoryMemoryStateStore store = new InMemoryMemoryStateStore();
    private final WriteCountingStore counting = new WriteCountingStore(store);
    private final List<Long> writtenPerAdd = new ArrayList<>();
    private final TitansChatMemory memory;
    private final List<ChatTurn> history = new ArrayList<>();
    private Instant lastTime = Instant.EPOCH;
    /** The last question's ranking: one question asked at several budgets is ranked once. */
    private String lastQuestion;
    private Set<ChatTurn> lastRanking;

    public TitansRecallMemory(EmbeddingModel embeddingModel, BudgetPolicy policy, Variant variant) {
        this(policy, TitansChatMemory.builder().embeddingModel(embeddingModel), variant);
    }

    /** With a configured builder (tuning runs set the fusion and key options on it). */
    public TitansRecallMemory(BudgetPolicy policy, TitansChatMemory.Builder builder, Variant variant) {
        this.policy = policy;
        this.memory = builder
                .id(ID)
                .maxMessages(1)
                .store(counting)
                .recallInMessages(false)
                .neuralWrites(variant != Variant.NO_WRITE)
                .exactReadout(variant == Variant.EXACT_READ)
                .build();
    }

    @Override
    public void add(ChatTurn turn) {
        if (turn.seq() != history.size()) {
            throw new IllegalArgumentException("turns must be added in order; expected seq " + history.size()
                    + ", got " + turn.seq());
        }
        lastQuestion = null;
        history.add(turn);
        // a turn without a readable time is stamped just after the previous one
        Instant time = TurnTimes.parse(turn.turn().time()).orElse(lastTime.plusSeconds(1));
        lastTime = time;
        long before = counting.bytesWritten();
        memory.add(turn.message(), time);
        writtenPerAdd.add(counting.bytesWritten() - before);
    }

    @Override
    public List<ChatTurn> inject(String question, int budgetTokens) {
        List<ChatTurn> window = BudgetPacker.recentWindow(history, policy.recentBudget(budgetTokens));
        Set<Integer> inWindow = new HashSet<>();
        window.forEach(t -> inWindow.add(t.seq()));
        if (!question.equals(lastQuestion)) {
            lastRanking = new LinkedHashSet<>();
            for (RecalledSegment s : memory.rank(question)) {
                lastRanking.add(history.get(Math.toIntExact(s.seq())));
            }
            lastQuestion = question;
        }
        Set<ChatTurn> ranked = lastRanking;
        int left = budgetTokens - BudgetPacker.tokens(window);
        List<ChatTurn> injected = new ArrayList<>(BudgetPacker.fillRanked(ranked, inWindow, left));
        injected.addAll(window);
        injected.sort(Comparator.comparingInt(ChatTurn::seq));
        return injected;
    }

    /** Log record bytes of each add, plus the snapshot when the add was the one that saved it. */
    @Override
    public long[] bytesWrittenPerAdd() {
        return writtenPerAdd.stream().mapToLong(Long::longValue).toArray();
    }

    /** What the store holds for the conversation: its latest snapshot plus the log records after it. */
    @Override
    public long stateBytes() {
        return store.logBytes(ID);
    }
}
