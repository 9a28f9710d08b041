package dev.titans4j.bench.recall.memory;

/**
 * How a memory with long-term recall splits the budget B: the most recent turns that fit in
 * {@code floor(B × recentShare)} tokens are injected verbatim (short-term memory, as every chat memory keeps), and
 * the remaining {@code B − windowTokens} go to recalled older turns. The same policy is applied to every memory;
 * for the plain {@code window} memory recall is simply more recency, so it fills all of B with recent turns.
 */
public record BudgetPolicy(double recentShare) {

    public static final double DEFAULT_RECENT_SHARE = 0.25;

    public BudgetPolicy {
        if (!(recentShare >= 0.0 && recentShare <= 1.0)) {
            throw new IllegalArgumentException("recent share must be in [0, 1], was " + recentShare);
        }
    }

    public static BudgetPolicy defaults() {
        return new BudgetPolicy(DEFAULT_RECENT_SHARE);
    }

    public int recentBudget(int budgetTokens) {
        return (int) Math.floor(budgetTokens * recentShare);
    }
}
