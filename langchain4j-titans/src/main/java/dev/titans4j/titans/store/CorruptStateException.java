package dev.titans4j.titans.store;

/**
 * Stored bytes failed validation (bad magic, unsupported format version, truncation, checksum mismatch, a file that
 * belongs to another memory id). The store refuses to return them rather than hand back silently wrong state.
 * The message names the file (or row) and what is wrong with it.
 */
public class CorruptStateException extends MemoryStateStoreException {

    public CorruptStateException(String message) {
        super(message);
    }

    public CorruptStateException(String message, Throwable cause) {
        super(message, cause);
    }
}
