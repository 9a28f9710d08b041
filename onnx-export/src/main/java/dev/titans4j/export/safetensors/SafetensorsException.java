package dev.titans4j.export.safetensors;

import java.io.IOException;

/**
 * A safetensors file or a checkpoint folder that cannot be used: malformed, truncated, inconsistent or unsupported.
 * It is an {@link IOException} because it is always about bad input on disk, never a programming error. The message
 * names the file, the tensor (when one is involved) and the problem, and is meant to be shown to the user as is.
 */
public class SafetensorsException extends IOException {

    public SafetensorsException(String message) {
        super(message);
    }

    public SafetensorsException(String message, Throwable cause) {
        super(message, cause);
    }

    static SafetensorsException forFile(String file, String problem) {
        return new SafetensorsException(file + ": " + problem);
    }

    static SafetensorsException forTensor(String file, String tensor, String problem) {
        return new SafetensorsException(file + ": tensor '" + tensor + "': " + problem);
    }
}
