package dev.titans4j.t2.engine;

import java.util.List;

/**
 * The outcome of one generation.
 *
 * @param text the generated text (stop sequence and anything after it removed; special tokens not shown)
 * @param outputIds every token the model produced, including a final end-of-sequence token when the model
 *                  generated one; a generation that ends because {@link TokenSelector#finished()} has none, so
 *                  {@link #outputTokens()} counts only generated tokens
 * @param promptTokens tokens in the prompt
 * @param stopReason why it ended
 * @param reusedPromptTokens leading prompt tokens whose keys and values came from the prefix cache instead of a
 *                           model run ({@code promptTokens - reusedPromptTokens} were prefilled)
 */
public record GenerationResult(String text, List<Integer> outputIds, int promptTokens, StopReason stopReason,
                               int reusedPromptTokens) {

    public GenerationResult {
        outputIds = List.copyOf(outputIds);
        if (reusedPromptTokens < 0 || reusedPromptTokens > promptTokens) {
            throw new IllegalArgumentException("reusedPromptTokens must be in [0, " + promptTokens + "], got "
                    + reusedPromptTokens);
        }
    }

    /** A result without prefix reuse. */
    public GenerationResult(String text, List<Integer> outputIds, int promptTokens, StopReason stopReason) {
        this(text, outputIds, promptTokens, stopReason, 0);
    }

    public int outputTokens() {
        return outputIds.size();
    }
}
