package dev.titans4j.t2.engine;

/**
 * Picks the next token from the logits of the last position (greedy argmax, or a seeded sampler with penalties).
 * One instance per request; it may keep state such as the token history for penalties.
 */
@FunctionalInterface
public interface TokenSelector {

    int select(float[] logits);

    /** Argmax; ties go to the lowest id (as llama2.c and Hugging Face do). */
    static TokenSelector greedy() {
        return logits -> {
            int best = 0;
            for (int i = 1; i < logits.length; i++) {
                if (logits[i] > logits[best]) {
                    best = i;
                }
            }
            return best;
        };
    }
}
