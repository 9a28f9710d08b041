package dev.titans4j.t2;

import dev.titans4j.export.OnnxExporter;
import dev.titans4j.export.testing.SharedData;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Exported models for tests, made with the project's own exporter from Hugging Face folders. stories260K is exported
 * once per test JVM (about a second) into a temporary folder removed at exit.
 */
public final class TestModels {

    private static Path stories;
    private static Path tinyStories;

    private TestModels() {
    }

    /** The real stories260K model (from {@code shared/models/stories260K}), exported to ONNX. */
    public static synchronized Path stories260K() {
        Path source = SharedData.require("models/stories260K");
        if (stories == null) {
            stories = export(source, tempDir("titans4j-").resolve("stories260K"));
        }
        return stories;
    }

    /** The Hugging Face folder of stories260K (with {@code reference_outputs.json}). */
    public static Path stories260KSource() {
        return SharedData.require("models/stories260K");
    }

    /**
     * The real TinyStories-656K model (from {@code shared/models/TinyStories-656K}: only {@code lm_head.weight}
     * stored, tied), exported to ONNX once per test JVM.
     */
    public static synchronized Path tinyStories656K() {
        Path source = tinyStories656KSource();
        if (tinyStories == null) {
            tinyStories = export(source, tempDir("titans4j-").resolve("TinyStories-656K"));
        }
        return tinyStories;
    }

    /** The Hugging Face folder of TinyStories-656K (with {@code reference_outputs.json}). */
    public static Path tinyStories656KSource() {
        return SharedData.require("models/TinyStories-656K");
    }

    /** Exports a Hugging Face folder into {@code output}. */
    public static Path export(Path hfFolder, Path output) {
        try {
            OnnxExporter.builder().build().export(hfFolder, output);
            return output;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path tempDir(String prefix) {
        try {
            Path dir = Files.createTempDirectory(prefix);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteRecursively(dir)));
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteRecursively(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // best effort at JVM exit
        }
    }
}
