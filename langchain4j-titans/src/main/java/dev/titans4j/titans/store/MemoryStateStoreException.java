package dev.titans4j.titans.store;

/**
 * A {@link MemoryStateStore} operation failed: the storage could not be read or written (I/O error, database
 * error). {@link StateConflictException} names a lost optimistic race; unreadable stored bytes are a
 * {@link dev.titans4j.titans.format.CorruptStateException} (not a subclass: it is shared by every format).
 */
public class MemoryStateStoreException extends RuntimeException {

    public MemoryStateStoreException(String message) {
        super(message);
    }

    public MemoryStateStoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
