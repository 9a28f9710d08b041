package dev.titans4j.t2.engine;

import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * What to generate from: the prompt token ids (already formatted and tokenized), at most {@code maxOutputTokens}
 * new tokens, ending early at any of {@code endOfSequenceIds} or {@code stopSequences} (stop text is not returned).
 */
public record GenerationRequest(int[] promptIds, int maxOutputTokens, Set<Integer> endOfSequenceIds,
                                List<String> stopSequences) {

    public GenerationRequest {
        Objects.requireNonNull(promptIds, "promptIds");
        if (promptIds.length == 0) {
            throw new IllegalArgumentException("The prompt is empty: at least one token is needed to generate from");
        }
        if (maxOutputTokens < 1) {
            throw new IllegalArgumentException("maxOutputTokens must be at least 1, got " + maxOutputTokens);
        }
        endOfSequenceIds = Set.copyOf(endOfSequenceIds);
        stopSequences = List.copyOf(stopSequences);
    }
}
