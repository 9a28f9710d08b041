package dev.titans4j.t2.engine;

/** ONNX Runtime failed while loading or running the model. */
public class EngineException extends RuntimeException {

    public EngineException(String message, Throwable cause) {
        super(message, cause);
    }

    public EngineException(String message) {
        super(message);
    }
}
