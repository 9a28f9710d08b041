package dev.titans4j.bench.recall.memory;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Baseline: no long-term memory, the whole budget holds the most recent turns (like a token-window chat memory). */
public final class WindowMemory implements RecallMemory {

    private final List<ChatTurn> history = new ArrayList<>();
    private long textBytes;

    @Override
    public void add(ChatTurn turn) {
        history.add(turn);
        textBytes += turn.text().getBytes(StandardCharsets.UTF_8).length;
    }

    @Override
    public List<ChatTurn> inject(String question, int budgetTokens) {
        return BudgetPacker.recentWindow(history, budgetTokens);
    }

    /** Text of every turn kept (this simple window keeps the history; what it injects is bounded by the budget). */
    @Override
    public long stateBytes() {
        return textBytes;
    }
}
