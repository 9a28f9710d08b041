package dev.titans4j.t2.engine;

import dev.titans4j.t2.generation.Sampler;
import dev.titans4j.t2.generation.SamplingParameters;
import dev.titans4j.t2.generation.TokenHistory;

/**
 * Picks the next token from the logits of the last position (greedy argmax, or a seeded sampler with penalties).
 * One instance per request; it may keep state such as the token history for penalties.
 */
@FunctionalInterface
public interface TokenSelector {

    int select(float[] logits);

    /**
     * True once the output is finished and nothing more may follow (a constrained generation whose grammar is
     * complete). The generator asks after each accepted token and then stops with end-of-sequence, without another
     * model run and without an end-of-sequence token that was never generated.
     */
    default boolean finished() {
        return false;
    }

    /** True when a token budget made a constrained output close earlier than its grammar required. */
    default boolean shortenedToFit() {
        return false;
    }

    /**
     * Argmax; ties go to the lowest id (as llama2.c and Hugging Face do). NaN logits (a broken model run) are an
     * error, as for the sampler, not token 0.
     */
    static TokenSelector greedy() {
        return Sampler::argmax;
    }

    /**
     * Samples with {@code parameters} (temperature, top-k/p, min-p, seed, penalties). The prompt ids count for the
     * repetition penalty; each chosen token is recorded for the penalties of the next.
     */
    static TokenSelector sampling(SamplingParameters parameters, int[] promptIds, int vocabSize) {
        Sampler sampler = new Sampler(parameters);
        // the history (two vocabulary-sized arrays) only feeds penalties
        TokenHistory history = parameters.hasPenalties() ? new TokenHistory(vocabSize).addPrompt(promptIds) : null;
        return logits -> {
            int id = sampler.next(logits, history);
            if (history != null) {
                history.add(id);
            }
            return id;
        };
    }
}
