package dev.titans4j.cli;

import dev.titans4j.bench.decode.ModelShape;
import dev.titans4j.bench.serve.ServeBenchmark;
import dev.titans4j.bench.serve.ServeResult;
import dev.titans4j.bench.serve.ServeSettings;
import dev.titans4j.export.IoProblems;
import dev.titans4j.t2.engine.EngineException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code serve-bench}: what a chat or agent backend gets from the engine (issue 14), on a random-weight checkpoint
 * exported on the spot: prefill tokens and time to first token of a chat and a tool loop through the prefix cache,
 * and concurrent requests against one at fp32 and int4. Table on stdout, progress on stderr, and with
 * {@code --json} a summary object as the last stdout line.
 */
@Command(name = "serve-bench", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Serving figures on a random-weight model: prefix cache (chat, tool loop) and concurrent "
                + "decoding.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:measured", "1:bad setting, or the work folder could not be written (message on stderr)",
                "2:invalid command-line usage", "3:ONNX Runtime failed"})
public final class ServeBenchCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--shape", paramLabel = "S", defaultValue = "A",
            description = "A (SmolLM2-135M-like), B (Qwen2.5-0.5B-like), tinyA, tinyB (seconds, for smoke tests);"
                    + " default ${DEFAULT-VALUE}")
    String shape;

    @Mixin
    ThreadsOption threads;

    @Option(names = "--work", paramLabel = "DIR",
            description = "keep the checkpoint and exports here and reuse them (default: a temporary folder, deleted"
                    + " afterwards)")
    Path work;

    @Option(names = "--system-tokens", paramLabel = "N", defaultValue = "1500",
            description = "tokens of the system+tools prompt; default ${DEFAULT-VALUE}")
    int systemTokens;

    @Option(names = "--chat-turns", paramLabel = "N", defaultValue = "20",
            description = "requests of the chat; default ${DEFAULT-VALUE}")
    int chatTurns;

    @Option(names = "--tool-rounds", paramLabel = "N", defaultValue = "3",
            description = "requests of the tool loop; default ${DEFAULT-VALUE}")
    int toolRounds;

    @Option(names = "--answer-tokens", paramLabel = "N", defaultValue = "24",
            description = "tokens of each answer or tool call; default ${DEFAULT-VALUE}")
    int answerTokens;

    @Option(names = "--streams", paramLabel = "N", defaultValue = "4",
            description = "concurrent requests; default ${DEFAULT-VALUE}")
    int streams;

    @Option(names = "--decode-tokens", paramLabel = "N", defaultValue = "64",
            description = "tokens each concurrent request decodes; default ${DEFAULT-VALUE}")
    int decodeTokens;

    @Option(names = "--repeats", paramLabel = "N", defaultValue = "5",
            description = "runs per figure (medians); default ${DEFAULT-VALUE}")
    int repeats;

    @Option(names = "--json", description = "print the summary as one JSON object on the last stdout line")
    boolean json;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Path dir = null;
        Thread removeOnExit = null;
        try {
            ServeSettings settings = settings();
            dir = work != null ? work : Files.createTempDirectory("titans4j-serve-bench");
            if (work == null) {
                // Ctrl-C or kill ends the JVM without reaching the finally below
                Path temporary = dir;
                removeOnExit = new Thread(() -> deleteQuietly(temporary), "serve-bench-cleanup");
                Runtime.getRuntime().addShutdownHook(removeOnExit);
            }
            ServeResult result = new ServeBenchmark(settings.withWork(dir), System.err).run();
            out.print(result.table());
            if (json) {
                out.println(result.json());
            }
            out.flush();
            return CommandLine.ExitCode.OK;
        } catch (IOException | UncheckedIOException e) { // their message is often the path alone
            return fail(out, err, IoProblems.describe(e), CliException.EXIT_CODE);
        } catch (CliException | IllegalArgumentException e) {
            return fail(out, err, CliException.oneLine(e), CliException.EXIT_CODE);
        } catch (EngineException e) {
            return fail(out, err, CliException.oneLine(e), GenerateCommand.EXIT_ENGINE_FAILURE);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return fail(out, err, "interrupted", CliException.EXIT_CODE);
        } finally {
            if (removeOnExit != null) {
                try {
                    Runtime.getRuntime().removeShutdownHook(removeOnExit);
                } catch (IllegalStateException shuttingDown) {
                    // the hook deletes the folder itself
                }
            }
            if (work == null && dir != null) {
                deleteQuietly(dir);
            }
        }
    }

    private ServeSettings settings() {
        ModelShape modelShape;
        try {
            modelShape = ModelShape.named(shape);
        } catch (IllegalArgumentException e) {
            throw new CliException("--shape: " + e.getMessage());
        }
        atLeast("--system-tokens", systemTokens, 1);
        atLeast("--chat-turns", chatTurns, 2); // a ratio of the last request to the first needs two
        atLeast("--tool-rounds", toolRounds, 2);
        atLeast("--answer-tokens", answerTokens, 1);
        atLeast("--streams", streams, 2);
        atLeast("--decode-tokens", decodeTokens, 2); // decode speed counts the tokens after the first
        atLeast("--repeats", repeats, 1);
        ServeSettings settings = new ServeSettings(modelShape, null, threads.threads(), systemTokens, chatTurns,
                toolRounds, answerTokens, streams, decodeTokens, repeats);
        settings.requireFitsContext();
        return settings;
    }

    private static void atLeast(String option, int value, int min) {
        if (value < min) {
            throw new CliException(option + " must be at least " + min + ", got " + value);
        }
    }

    private static int fail(PrintWriter out, PrintWriter err, String message, int exitCode) {
        out.flush();
        err.println("error: " + message);
        err.flush();
        return exitCode;
    }

    /** The temporary checkpoint and exports (hundreds of MB for shape A) do not outlive the run. */
    private static void deleteQuietly(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            System.err.println("warning: could not delete " + dir + ": " + e.getMessage());
        }
    }
}
