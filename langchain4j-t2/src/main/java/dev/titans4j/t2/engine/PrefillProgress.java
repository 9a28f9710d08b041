package dev.titans4j.t2.engine;

/** Told how much of the prompt is in the KV cache, after each prefill chunk the {@link Generator} runs. */
@FunctionalInterface
public interface PrefillProgress {

    /** Reports nothing. */
    PrefillProgress NONE = (done, total) -> { };

    /**
     * @param done prompt tokens in the cache so far, those reused from the prefix cache included
     * @param total prompt tokens
     */
    void prefilled(int done, int total);
}
