package dev.titans4j.cli;

import java.io.IOException;
import java.io.Reader;

/**
 * The lines {@code chat} reads, a character at a time, so that input that is no conversation is refused as soon as
 * it shows: a NUL (binary data), or a line longer than any message, which a whole-line read would keep growing until
 * the heap ran out ({@code chat < /dev/zero}). Lines end at {@code \n}, {@code \r} or {@code \r\n}, as
 * {@link java.io.BufferedReader#readLine()} ends them; a byte order mark opening the input is dropped.
 */
final class InputLines {

    private final Reader reader;
    private final int maxChars;
    private boolean skipLineFeed;
    private boolean started;

    /** {@code reader}: buffered, as this reads one character per call. */
    InputLines(Reader reader, int maxChars) {
        this.reader = reader;
        this.maxChars = maxChars;
    }

    /** The next line without its terminator, or null at the end of the input. */
    String next() throws IOException {
        StringBuilder line = new StringBuilder();
        int c;
        while ((c = reader.read()) != -1) {
            if (!started) {
                started = true;
                if (c == '\uFEFF') { // a byte order mark (a file saved by a Windows editor), not text
                    continue;
                }
            }
            if (skipLineFeed) {
                skipLineFeed = false;
                if (c == '\n') {
                    continue;
                }
            }
            if (c == '\n' || c == '\r') {
                skipLineFeed = c == '\r';
                return line.toString();
            }
            if (c == '\0') {
                throw new CliException("standard input is binary, not text: chat reads one message per line");
            }
            if (line.length() == maxChars) {
                throw new CliException("a line of standard input is longer than " + maxChars
                        + " characters: chat reads one message per line");
            }
            line.append((char) c);
        }
        return line.isEmpty() ? null : line.toString();
    }
}
