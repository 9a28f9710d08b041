package dev.titans4j.bench.recall.titans;

import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.titans4j.bench.recall.memory.BudgetPacker;
import dev.titans4j.bench.recall.memory.BudgetPolicy;
import dev.titans4j.bench.recall.memory.ChatTurn;
import dev.titans4j.bench.recall.memory.RecallMemory;
import dev.titans4j.titans.chat.RecalledSegment;
import dev.titans4j.titans.chat.TitansChatMemory;
import dev.titans4j.titans.store.InMemoryMemoryStateStore;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * {@link TitansChatMemory} in the recall benchmark ({@code titans}, and {@code titans-no-write} with neural writes
 * disabled, everything else identical). Every turn is added to the chat memory as its chat message; the memory keeps
 * one message in its own window, so every earlier turn has gone through long-term memory (segmented, embedded,
 * written into the neural memory, archived with its sequence number, which equals the turn's). At question time
 * the benchmark's {@link BudgetPolicy} window is injected like for every memory, and the rest of the budget is
 * filled, best first, with the turns the memory recalls ({@link TitansChatMemory#rank}) that are not in that window.
 * The state is saved to an in-memory store after every add, as in an application; its size is the state size.
 */
public final class TitansRecallMemory implements RecallMemory {

    private final BudgetPolicy policy;
    private final InMemoryMemoryStateStore store = new InMemoryMemoryStateStore();
    private final TitansChatMemory memory;
    private final List<ChatTurn> history = new ArrayList<>();

    public TitansRecallMemory(EmbeddingModel embeddingModel, BudgetPolicy policy, boolean neuralWrites) {
        this.policy = policy;
        this.memory = TitansChatMemory.builder()
                .id("conversation")
                .maxMessages(1)
                .embeddingModel(embeddingModel)
                .store(store)
                .recallInMessages(false)
                .neuralWrites(neuralWrites)
                .build();
    }

    @Override
    public void add(ChatTurn turn) {
        if (turn.seq() != history.size()) {
            throw new IllegalArgumentException("turns must be added in order; expected seq " + history.size()
                    + ", got " + turn.seq());
        }
        history.add(turn);
        memory.add(turn.message());
    }

    @Override
    public List<ChatTurn> inject(String question, int budgetTokens) {
        List<ChatTurn> window = BudgetPacker.recentWindow(history, policy.recentBudget(budgetTokens));
        Set<Integer> inWindow = new HashSet<>();
        window.forEach(t -> inWindow.add(t.seq()));
        Set<ChatTurn> ranked = new LinkedHashSet<>();
        for (RecalledSegment s : memory.rank(question)) {
            ranked.add(history.get(Math.toIntExact(s.seq())));
        }
        int left = budgetTokens - BudgetPacker.tokens(window);
        List<ChatTurn> injected = new ArrayList<>(BudgetPacker.fillRanked(ranked, inWindow, left));
        injected.addAll(window);
        injected.sort(Comparator.comparingInt(ChatTurn::seq));
        return injected;
    }

    /** The stored state blob (window, archive text and provenance, neural state). */
    @Override
    public long stateBytes() {
        return store.load("conversation").map(s -> (long) s.bytes().length).orElse(0L);
    }
}
