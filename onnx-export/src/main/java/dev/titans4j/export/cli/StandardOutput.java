package dev.titans4j.export.cli;

import java.io.PrintStream;
import java.io.PrintWriter;

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

    /**
     * {@code writer} (a command line's writer on {@link System#out}) with a {@link PrintWriter#checkError()} that
     * also reports the write errors {@link System#out} swallowed. picocli's own writer encodes through an
     * {@code OutputStreamWriter} over it, so its checkError() never sees them and a command that streams (generate,
     * chat) could not tell that nobody reads its output any more.
     */
    public static PrintWriter watched(PrintWriter writer) {
        return watched(writer, System.out);
    }

    static PrintWriter watched(PrintWriter writer, PrintStream stream) {
        return new PrintWriter(writer, true) {
            @Override
            public boolean checkError() {
                return super.checkError() | stream.checkError(); // both: each flushes its own buffer first
            }
        };
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
