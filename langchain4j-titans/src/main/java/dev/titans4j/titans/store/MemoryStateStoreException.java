package dev.titans4j.titans.store;

/**
 * A {@link MemoryStateStore} operation failed: the storage could not be read or written (I/O error, database
 * error). Subclasses name the specific failures callers may want to handle: {@link StateConflictException} and
 * {@link CorruptStateException}.
 */
public class MemoryStateStoreException extends RuntimeException {

    public MemoryStateStoreException(String message) {
        super(message);
    }

    public MemoryStateStoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
