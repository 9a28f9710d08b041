package dev.titans4j.bench.recall.memory;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A retrieval memory: the recent window under {@link BudgetPolicy}, plus the best-ranked older turns in the rest of
 * the budget. Segment = one turn.
 */
public final class RankedRecallMemory implements RecallMemory {

    private final Ranker ranker;
    private final BudgetPolicy policy;
    private final List<ChatTurn> history = new ArrayList<>();
    private long textBytes;
    /** The last question's ranking: one question asked at several budgets is ranked once. */
    private String lastQuestion;
    private List<ChatTurn> lastRanking;

    public RankedRecallMemory(Ranker ranker, BudgetPolicy policy) {
        this.ranker = ranker;
        this.policy = policy;
    }

    @Override
    public void add(ChatTurn turn) {
        lastQuestion = null;
        history.add(turn);
        textBytes += turn.text().getBytes(StandardCharsets.UTF_8).length;
        ranker.index(turn);
    }

    @Override
    public void endOfIngest() {
        ranker.commit();
    }

    @Override
    public List<ChatTurn> inject(String question, int budgetTokens) {
        List<ChatTurn> window = BudgetPacker.recentWindow(history, policy.recentBudget(budgetTokens));
        Set<Integer> inWindow = new HashSet<>();
        window.forEach(t -> inWindow.add(t.seq()));
        int left = budgetTokens - BudgetPacker.tokens(window);
        if (!question.equals(lastQuestion)) {
            lastRanking = ranker.rank(question);
            lastQuestion = question;
        }
        List<ChatTurn> injected = new ArrayList<>(BudgetPacker.fillRanked(lastRanking, inWindow, left));
        injected.addAll(window);
        injected.sort(Comparator.comparingInt(ChatTurn::seq));
        return injected;
    }

    @Override
    public long stateBytes() {
        return textBytes + ranker.indexBytes();
    }

    @Override
    public void close() {
        ranker.close();
    }
}
