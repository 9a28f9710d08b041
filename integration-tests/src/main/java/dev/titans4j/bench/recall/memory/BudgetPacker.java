package dev.titans4j.bench.recall.memory;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;

/** Fills a token budget with turns; the only place where memories spend budget, so none can overspend. */
public final class BudgetPacker {

    private BudgetPacker() {
    }

    /**
     * The longest suffix of {@code history} whose tokens fit in {@code budget} (contiguous: a window never skips a
     * long turn to squeeze in an older one). Returned in conversation order.
     */
    public static List<ChatTurn> recentWindow(List<ChatTurn> history, int budget) {
        int used = 0;
        int start = history.size();
        while (start > 0 && used + history.get(start - 1).tokens() <= budget) {
            start--;
            used += history.get(start).tokens();
        }
        return List.copyOf(history.subList(start, history.size()));
    }

    /**
     * Walks {@code ranked} best first and takes each turn not in {@code exclude} that still fits in
     * {@code budget}; a turn too long for what is left is skipped, not truncated.
     */
    public static List<ChatTurn> fillRanked(Iterable<ChatTurn> ranked, Set<Integer> exclude, int budget) {
        List<ChatTurn> chosen = new ArrayList<>();
        int left = budget;
        for (ChatTurn turn : ranked) {
            if (left <= 0) {
                break;
            }
            if (!exclude.contains(turn.seq()) && turn.tokens() <= left) {
                chosen.add(turn);
                left -= turn.tokens();
            }
        }
        return chosen;
    }

    public static int tokens(Collection<ChatTurn> turns) {
        return turns.stream().mapToInt(ChatTurn::tokens).sum();
    }
}
