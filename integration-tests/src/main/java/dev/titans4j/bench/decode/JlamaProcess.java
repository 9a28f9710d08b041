package dev.titans4j.bench.decode;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

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
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        List<Double> prefill = new ArrayList<>();
        List<Double> decode = new ArrayList<>();
        List<String> lastLines = new ArrayList<>();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                if (line.startsWith(JlamaWorker.RESULT)) {
                    String[] parts = line.substring(JlamaWorker.RESULT.length()).split(" ");
                    (parts[0].equals("prefill") ? prefill : decode).add(Double.parseDouble(parts[1]));
                } else {
                    log.println("    [jlama] " + line);
                    if (line.startsWith("Exception") || line.startsWith("Caused by") || line.startsWith("Error")) {
                        lastLines.add(line); // the reasons, not the stack frames
                    }
                }
            }
        }
        if (!process.waitFor(1, TimeUnit.MINUTES)) {
            process.destroyForcibly();
        }
        if (process.exitValue() != 0 || decode.isEmpty()) {
            throw new IOException("Jlama exited with " + process.exitValue() + ": " + String.join(" | ", lastLines));
        }
        return new Speed(prefill.stream().mapToDouble(Double::doubleValue).toArray(),
                decode.stream().mapToDouble(Double::doubleValue).toArray());
    }
}
