package dev.titans4j.bench.decode;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * llama.cpp, timed in the same run: node-llama-cpp's prebuilt CPU binaries (npm packages {@code node-llama-cpp}
 * and {@code @node-llama-cpp/linux-x64}, installed beforehand into a folder outside the repository) driven by the
 * script {@code llama-cpp-peer.mjs} in a node child process. Nothing is downloaded or built: when the folder lacks
 * the packages, {@link #missing} says so and the benchmark skips llama.cpp's rows.
 */
final class LlamaCppPeer {

    /** Where the README's install command puts the packages; {@code TITANS4J_LLAMA_CPP} overrides it. */
    static final String INSTALL_ENV = "TITANS4J_LLAMA_CPP";
    static final String INSTALL_COMMAND = "npm install --prefix DIR --ignore-scripts --omit=optional"
            + " node-llama-cpp@3.22.1 @node-llama-cpp/linux-x64@3.22.1";
    private static final String SCRIPT = "llama-cpp-peer.mjs";
    private static final String RESULT = "RESULT ";

    private final Path node;
    private final Path installDir;
    private final PrintStream log;

    LlamaCppPeer(Path node, Path installDir, PrintStream log) {
        this.node = node;
        this.installDir = installDir;
        this.log = log;
    }

    /** {@code $TITANS4J_LLAMA_CPP}, else {@code ~/.cache/titans4j/node-llama-cpp}. */
    static Path defaultInstallDir() {
        String env = System.getenv(INSTALL_ENV);
        return env != null && !env.isBlank() ? Path.of(env)
                : Path.of(System.getProperty("user.home"), ".cache", "titans4j", "node-llama-cpp");
    }

    /** Why llama.cpp cannot run from {@code installDir}, or empty when its packages are there. */
    static Optional<String> missing(Path installDir) {
        Path modules = installDir.resolve("node_modules");
        if (!Files.isRegularFile(modules.resolve("node-llama-cpp/dist/index.js"))) {
            return Optional.of("no node-llama-cpp under " + installDir + " (" + INSTALL_COMMAND.replace("DIR",
                    installDir.toString()) + ")");
        }
        if (!Files.isDirectory(modules.resolve("@node-llama-cpp/linux-x64/bins"))) {
            return Optional.of("no prebuilt @node-llama-cpp/linux-x64 binaries under " + modules);
        }
        return Optional.empty();
    }

    /** Prefill and decode tokens/s of a GGUF file, as {@link OrtRunner} times titans4j. */
    Speed measure(Path gguf, int threads, int promptTokens, int decodeTokens, int runs)
            throws IOException, InterruptedException {
        List<String> lines = run("bench", gguf.toString(), String.valueOf(threads), String.valueOf(promptTokens),
                String.valueOf(decodeTokens), String.valueOf(runs));
        List<Double> prefill = new ArrayList<>();
        List<Double> decode = new ArrayList<>();
        for (String line : lines) {
            String[] parts = line.split(" ");
            (parts[0].equals("prefill") ? prefill : decode).add(Double.parseDouble(parts[1]));
        }
        if (decode.isEmpty()) {
            throw new IOException("llama.cpp printed no timings");
        }
        return new Speed(prefill.stream().mapToDouble(Double::doubleValue).toArray(),
                decode.stream().mapToDouble(Double::doubleValue).toArray());
    }

    /** Greedy continuations of {@code prompts}, each from an empty cache (the first token is the prompt's). */
    int[][] greedy(Path gguf, int threads, int[][] prompts, int count) throws IOException, InterruptedException {
        String ids = Arrays.stream(prompts).map(p -> Arrays.stream(p).mapToObj(String::valueOf)
                .collect(Collectors.joining(","))).collect(Collectors.joining(";"));
        List<String> lines = run("greedy", gguf.toString(), String.valueOf(threads), String.valueOf(count), ids);
        if (lines.size() != prompts.length) {
            throw new IOException("llama.cpp printed " + lines.size() + " token lines for " + prompts.length
                    + " prompts");
        }
        return lines.stream().map(l -> Arrays.stream(l.substring("tokens".length()).trim().split(" "))
                .mapToInt(Integer::parseInt).toArray()).toArray(int[][]::new);
    }

    /** The script's result lines (prefix removed); a failure's message holds its last other lines. */
    private List<String> run(String... args) throws IOException, InterruptedException {
        Path script = Files.createTempFile("titans4j-llama-cpp-peer", ".mjs");
        try {
            try (InputStream in = LlamaCppPeer.class.getResourceAsStream(SCRIPT)) {
                Files.write(script, in.readAllBytes());
            }
            List<String> command = new ArrayList<>(List.of(node.toString(), script.toString(),
                    installDir.toAbsolutePath().toString()));
            command.addAll(List.of(args));
            ChildProcess.Output output = ChildProcess.run(command, RESULT, "llama.cpp", log);
            if (output.exitValue() != 0) {
                throw new IOException("llama.cpp (node) exited with " + output.exitValue() + ": "
                        + output.lastLines(3));
            }
            return output.results();
        } finally {
            Files.deleteIfExists(script);
        }
    }
}
