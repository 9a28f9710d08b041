package dev.titans4j.export.cli;

import java.io.PrintStream;

/**
 * What a command's exit code becomes once its output is known to be written. {@link System#out} swallows write
 * errors (a full disk, a closed pipe), so without this check {@code generate > /dev/full} exits 0 with the output
 * lost.
 */
public final class StandardOutput {

    static final int EXIT_OUTPUT_LOST = 1;

    private StandardOutput() {
    }

    /** {@code exitCode}, or {@value #EXIT_OUTPUT_LOST} with a message on stderr if stdout could not be written. */
    public static int checked(int exitCode) {
        return checked(exitCode, System.out, System.err);
    }

    static int checked(int exitCode, PrintStream out, PrintStream err) {
        if (!out.checkError()) { // flushes first
            return exitCode;
        }
        err.println("error: could not write to standard output (disk full, or the reading end was closed)");
        err.flush();
        return exitCode == 0 ? EXIT_OUTPUT_LOST : exitCode;
    }
}
