package dev.titans4j.export.hf;

import java.io.IOException;

/**
 * A model folder whose configuration is missing, malformed or asks for something unsupported (architecture, rope
 * type, activation, ...). An {@link IOException} because it is bad input on disk; the message names the file, the
 * key and the problem and is meant for the user.
 */
public class ModelConfigException extends IOException {

    public ModelConfigException(String message) {
        super(message);
    }

    public ModelConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
