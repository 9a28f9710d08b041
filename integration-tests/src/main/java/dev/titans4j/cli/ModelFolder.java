package dev.titans4j.cli;

import dev.titans4j.export.manifest.ModelManifest;
import dev.titans4j.t2.OnnxChatEngine;
import dev.titans4j.t2.engine.EngineException;
import dev.titans4j.t2.engine.EngineOptions;
import dev.titans4j.t2.engine.ExecutionProvider;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Opens the exported model folder a command was pointed at, turning every way it can be wrong (missing, a file, a
 * Hugging Face checkpoint that was never exported, a broken export) into a {@link CliException} whose message says
 * what to do.
 */
final class ModelFolder {

    private ModelFolder() {
    }

    static OnnxChatEngine open(Path folder, int threads) {
        return open(folder, threads, ExecutionProvider.CPU);
    }

    static OnnxChatEngine open(Path folder, int threads, ExecutionProvider provider) {
        check(folder);
        try {
            return OnnxChatEngine.load(folder, EngineOptions.defaults().withIntraOpThreads(threads)
                    .withExecutionProvider(provider));
        } catch (UncheckedIOException e) {
            throw new CliException("could not read the model in " + folder + ": " + e.getCause().getMessage());
        } catch (IllegalArgumentException | EngineException e) {
            throw new CliException(e.getMessage());
        }
    }

    /** Fails unless {@code folder} looks like the output of {@code titans4j export}. */
    static void check(Path folder) {
        if (!Files.exists(folder)) {
            throw new CliException("model folder " + folder + " does not exist");
        }
        if (!Files.isDirectory(folder)) {
            throw new CliException(folder + " is a file, not a model folder: pass the folder 'titans4j export' wrote");
        }
        if (Files.isRegularFile(folder.resolve(ModelManifest.FILE_NAME))) {
            return;
        }
        if (Files.isRegularFile(folder.resolve("config.json"))) {
            throw new CliException(folder + " is a Hugging Face checkpoint, not an exported model; export it first: "
                    + "java -jar titans4j-cli.jar export -i " + folder + " -o " + folder + "-onnx");
        }
        throw new CliException(folder + " has no " + ModelManifest.FILE_NAME + ": not a model folder exported by "
                + "titans4j (create one with: java -jar titans4j-cli.jar export -i HF_DIR -o " + folder + ")");
    }
}
