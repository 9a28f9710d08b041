package dev.titans4j.titans.format;

/**
 * Stored bytes that cannot be used: not the expected format, a format version this library does not read (too old
 * or too new), truncated, failing their checksum, or written for another configuration. Every titans4j binary format
 * (neural memory state and parameters, chat memory snapshots and log records, the file store's files) reports
 * unreadable input with this one exception, whose message names what was read and what is wrong; nothing is
 * changed by the failed read.
 */
public class CorruptStateException extends RuntimeException {

    public CorruptStateException(String message) {
        super(message);
    }

    public CorruptStateException(String message, Throwable cause) {
        super(message, cause);
    }
}
