package dev.titans4j.bench.decode;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A peer run in a child process (Jlama's JVM, llama.cpp's node): its result lines (those starting with a given
 * prefix) are kept, every other line goes to the log with a label and is kept for error messages.
 */
final class ChildProcess {

    /** What the child printed and how it ended. */
    record Output(int exitValue, List<String> results, List<String> other) {

        /** The last {@code n} non-result lines: the reasons, when the child failed. */
        String lastLines(int n) {
            return String.join(" | ", other.subList(Math.max(0, other.size() - n), other.size()));
        }
    }

    private ChildProcess() {
    }

    static Output run(List<String> command, String resultPrefix, String label, PrintStream log)
            throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        List<String> results = new ArrayList<>();
        List<String> other = new ArrayList<>();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                if (line.startsWith(resultPrefix)) {
                    results.add(line.substring(resultPrefix.length()));
                } else {
                    log.println("    [" + label + "] " + line);
                    other.add(line);
                }
            }
        }
        if (!process.waitFor(1, TimeUnit.MINUTES)) {
            process.destroyForcibly();
        }
        return new Output(process.exitValue(), results, other);
    }
}
