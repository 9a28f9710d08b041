package dev.titans4j.bench.recall.dataset;

/** The benchmark file cannot be used; the message names every problem found. */
public class InvalidRecallDatasetException extends RuntimeException {

    public InvalidRecallDatasetException(String message) {
        super(message);
    }

    public InvalidRecallDatasetException(String message, Throwable cause) {
        super(message, cause);
    }
}
