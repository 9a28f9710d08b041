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
 */
public record GenerationResult(String text, List<Integer> outputIds, int promptTokens, StopReason stopReason) {

    public GenerationResult {
        outputIds = List.copyOf(outputIds);
    }

    public int outputTokens() {
        return outputIds.size();
    }
}
