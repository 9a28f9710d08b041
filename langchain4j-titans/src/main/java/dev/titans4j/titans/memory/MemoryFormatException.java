package dev.titans4j.titans.memory;

/** Serialised memory data (state or parameters) that cannot be used: corrupted, truncated, foreign or incompatible. */
public class MemoryFormatException extends IllegalStateException {

    public MemoryFormatException(String message) {
        super(message);
    }
}
