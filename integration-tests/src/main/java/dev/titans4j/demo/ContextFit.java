package dev.titans4j.demo;

import dev.langchain4j.model.TokenCountEstimator;

/**
 * Sizes Titans' short-term window and recall budget so that a question's prompt fits a model's context: the budget
 * left after the answer and a fixed allowance for the chat template, the retriever's framing and the question is
 * split evenly between window and recall, in the demo's word tokens converted with the model's own tokens-per-word
 * rate on the script. Only ever shrinks the requested sizes.
 */
public record ContextFit(int windowMessages, int recallTokens, boolean shrunk) {

    /** Model tokens kept free for the template, the retriever's framing text and the question itself. */
    static final int PROMPT_ALLOWANCE = 96;
    static final int MIN_WINDOW = 2;
    static final int MIN_RECALL = 20;

    public static ContextFit of(DemoScript script, TokenCountEstimator modelTokens, int contextLength,
                                int maxOutputTokens, int windowMessages, int recallTokens) {
        String all = String.join("\n", script.messages().stream().map(ScriptMessage::text).toList());
        double modelPerWordToken = modelTokensPerWordToken(script, modelTokens);
        double averageMessage = (double) WordTokens.count(all) / script.messages().size();
        double available = (contextLength - maxOutputTokens - PROMPT_ALLOWANCE) / modelPerWordToken;
        double needed = windowMessages * averageMessage + recallTokens;
        if (needed <= available) {
            return new ContextFit(windowMessages, recallTokens, false);
        }
        int recall = Math.max(MIN_RECALL, Math.min(recallTokens, (int) (available / 2)));
        int window = Math.max(MIN_WINDOW, Math.min(windowMessages, (int) ((available - recall) / averageMessage)));
        return new ContextFit(window, recall, true);
    }

    /** The model's tokens per demo word token on the script's text. */
    public static double modelTokensPerWordToken(DemoScript script, TokenCountEstimator modelTokens) {
        String all = String.join("\n", script.messages().stream().map(ScriptMessage::text).toList());
        return (double) modelTokens.estimateTokenCountInText(all) / WordTokens.count(all);
    }
}
