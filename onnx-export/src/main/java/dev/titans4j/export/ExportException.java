package dev.titans4j.export;

import java.io.IOException;

/** An export that cannot proceed because of its input or output location; the message says what to change. */
public class ExportException extends IOException {

    public ExportException(String message) {
        super(message);
    }
}
