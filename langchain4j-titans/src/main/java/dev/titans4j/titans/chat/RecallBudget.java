package dev.titans4j.titans.chat;

import dev.langchain4j.model.TokenCountEstimator;

import java.util.ArrayList;
import java.util.List;

/**
 * Fills the recall budget: walks a ranking best first and keeps each segment whose line still fits (a segment too
 * long for what is left is skipped, not cut). Tokens come from the configured estimator, else
 * {@code ceil(words × 1.3)}.
 */
final class RecallBudget {

    private final int budgetTokens;
    private final TokenCountEstimator estimator;

    RecallBudget(int budgetTokens, TokenCountEstimator estimator) {
        this.budgetTokens = budgetTokens;
        this.estimator = estimator;
    }

    List<RecalledSegment> fill(List<RecalledSegment> ranked, java.time.ZoneId zone) {
        List<RecalledSegment> chosen = new ArrayList<>();
        int left = budgetTokens - tokens(RecallPrompt.RECALL_HEADER);
        for (RecalledSegment s : ranked) {
            if (left <= 0) {
                break;
            }
            int tokens = tokens(s.line(zone));
            if (tokens <= left) {
                chosen.add(s);
                left -= tokens;
            }
        }
        return chosen;
    }

    int tokens(String text) {
        if (estimator != null) {
            return estimator.estimateTokenCountInText(text);
        }
        String t = text.strip();
        int words = t.isEmpty() ? 0 : t.split("\\s+").length;
        return (words * 13 + 9) / 10;
    }
}
