package dev.titans4j.bench.decode;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Runs {@link JlamaWorker} in a child JVM (Java 21+, Vector API) with this process's class path. */
final class JlamaProcess {

    private final Path java;
    private final String heap;
    private final PrintStream log;

    JlamaProcess(Path java, String heap, PrintStream log) {
        this.java = java;
        this.heap = heap;
        this.log = log;
    }

    /** The measured speeds, or an exception whose message says why Jlama could not run. */
    Speed measure(Path checkpoint, boolean q4, int threads, int promptTokens, int decodeTokens, int runs)
            throws IOException, InterruptedException {
        List<String> command = List.of(java.toString(), "--add-modules", "jdk.incubator.vector", "--enable-preview",
                "-Xmx" + heap, "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                "-cp", System.getProperty("java.class.path"), JlamaWorker.class.getName(), checkpoint.toString(),
                q4 ? "q4" : "fp32", String.valueOf(threads), String.valueOf(promptTokens),
                String.valueOf(decodeTokens), String.valueOf(runs));
        ChildProcess.Output output = ChildProcess.run(command, JlamaWorker.RESULT, "jlama", log);
        List<Double> prefill = new ArrayList<>();
        List<Double> decode = new ArrayList<>();
        for (String result : output.results()) {
            String[] parts = result.split(" ");
            (parts[0].equals("prefill") ? prefill : decode).add(Double.parseDouble(parts[1]));
        }
        if (output.exitValue() != 0 || decode.isEmpty()) {
            // the reasons, not the stack frames
            String reasons = String.join(" | ", output.other().stream().filter(line -> line.startsWith("Exception")
                    || line.startsWith("Caused by") || line.startsWith("Error")).toList());
            throw new IOException("Jlama exited with " + output.exitValue() + ": " + reasons);
        }
        return new Speed(prefill.stream().mapToDouble(Double::doubleValue).toArray(),
                decode.stream().mapToDouble(Double::doubleValue).toArray());
    }
}
