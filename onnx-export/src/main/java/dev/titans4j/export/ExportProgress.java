package dev.titans4j.export;

/** Receives progress while the weights are written (one call per tensor) and a note per export phase. */
public interface ExportProgress {

    ExportProgress NONE = new ExportProgress() {
    };

    /** A phase started, e.g. "validating", "writing model.onnx". */
    default void phase(String description) {
    }

    /** After each tensor: counts and bytes so far and in total. */
    default void tensorWritten(String name, int tensorsDone, int tensorsTotal, long bytesDone, long bytesTotal) {
    }
}
