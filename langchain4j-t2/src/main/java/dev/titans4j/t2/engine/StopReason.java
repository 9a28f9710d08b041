package dev.titans4j.t2.engine;

/** Why generation ended. */
public enum StopReason {
    /** The model produced one of its end-of-sequence tokens. */
    END_OF_SEQUENCE,
    /** A requested stop sequence appeared in the text. */
    STOP_SEQUENCE,
    /** The maximum number of output tokens was reached. */
    MAX_OUTPUT_TOKENS,
    /** The context window is full. */
    CONTEXT_FULL,
    /** The caller cancelled the generation. */
    CANCELLED
}
