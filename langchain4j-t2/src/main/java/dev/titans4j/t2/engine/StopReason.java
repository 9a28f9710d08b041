package dev.titans4j.t2.engine;

/** Why generation ended. */
public enum StopReason {
    /** The model produced one of its end-of-sequence tokens. */
    END_OF_SEQUENCE,
    /** A requested stop sequence appeared in the text. */
    STOP_SEQUENCE,
    /** The maximum number of output tokens was reached. */
    MAX_OUTPUT_TOKENS,
    /**
     * A constrained output (a JSON schema, a required tool call) stopped growing and was closed so that it ends
     * complete within the maximum number of output tokens: valid, but shorter than the model would have written.
     */
    CLOSED_TO_FIT,
    /** The context window is full. */
    CONTEXT_FULL,
    /** The caller cancelled the generation. */
    CANCELLED
}
