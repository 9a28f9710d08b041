package dev.titans4j.export.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

/**
 * One line that says what went wrong with a file, for the command-line tools. The JDK's own messages for the
 * commonest cases are just the path ({@code NoSuchFileException: /proc/x}) or an encoder detail ("Input length =
 * 1"), which tell a user nothing.
 */
public final class IoProblems {

    private IoProblems() {
    }

    /** {@code e} (or the I/O exception it wraps) as one line: the file and the reason. */
    public static String describe(Throwable e) {
        Throwable io = e instanceof UncheckedIOException u ? u.getCause() : e;
        return oneLine(describeCause(io));
    }

    /** A message listing several problems on indented lines becomes "head: first; second; ...". */
    public static String oneLine(String message) {
        if (message == null || message.isBlank()) {
            return "unknown error";
        }
        String[] lines = message.strip().split("\\s*\\n\\s*");
        return lines.length == 1 ? lines[0]
                : lines[0] + " " + String.join("; ", java.util.Arrays.asList(lines).subList(1, lines.length));
    }

    private static String describeCause(Throwable e) {
        if (e instanceof CharacterCodingException) {
            return "not UTF-8 text (a binary file?)";
        }
        if (e instanceof FileSystemException fs && fs.getFile() != null) {
            String file = fs.getFile() + (fs.getOtherFile() == null ? "" : " -> " + fs.getOtherFile());
            String reason = fs.getReason() != null ? fs.getReason() : reasonOf(fs);
            return file + ": " + reason;
        }
        if (e instanceof IOException && e.getMessage() == null) {
            return "I/O error (" + e.getClass().getSimpleName() + ")";
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    private static String reasonOf(FileSystemException e) {
        if (e instanceof NoSuchFileException) {
            return "no such file or folder (or a parent folder that cannot hold one)";
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof FileAlreadyExistsException) {
            return "already exists (and is not a folder?)";
        }
        if (e instanceof NotDirectoryException) {
            return "not a folder";
        }
        if (e instanceof DirectoryNotEmptyException) {
            return "folder not empty";
        }
        return e.getClass().getSimpleName();
    }
}
