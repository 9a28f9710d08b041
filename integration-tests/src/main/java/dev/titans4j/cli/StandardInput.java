package dev.titans4j.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Facts about this process's standard input that Java does not expose. */
final class StandardInput {

    private StandardInput() {
    }

    /**
     * True when the shell started us with stdin closed ({@code <&-}). The JVM's first opened file then becomes
     * descriptor 0 (on Linux its own module image), and reading "stdin" would feed that file to the chat.
     */
    static boolean isClosed() {
        try {
            Path target = Files.readSymbolicLink(Path.of("/proc/self/fd/0"));
            return target.startsWith(Path.of(System.getProperty("java.home")).toRealPath());
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return false; // not Linux, or no /proc: nothing to tell
        }
    }
}
