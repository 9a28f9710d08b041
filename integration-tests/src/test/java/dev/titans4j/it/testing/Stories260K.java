package dev.titans4j.it.testing;

import dev.titans4j.export.OnnxExporter;
import dev.titans4j.titans.testing.SharedData;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/** The shared stories260K checkpoint exported with the project's own exporter (fast: about a second). */
public final class Stories260K {

    private Stories260K() {
    }

    /** Exports stories260K into {@code dir}/stories260K-onnx; skips the test when the shared data is absent. */
    public static Path export(Path dir) {
        Path source = SharedData.require("models/stories260K");
        Path out = dir.resolve("stories260K-onnx");
        try {
            OnnxExporter.builder().build().export(source, out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }
}
