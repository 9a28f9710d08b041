package dev.titans4j.export.hf;

import java.io.IOException;

/**
 * The weights of a model folder do not fit its {@code config.json}: a tensor is missing, has the wrong shape, or is
 * not used by the configured model. The message lists each problem with the tensor name.
 */
public class CheckpointMismatchException extends IOException {

    public CheckpointMismatchException(String message) {
        super(message);
    }
}
