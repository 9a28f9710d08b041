package dev.titans4j.titans.store;

import dev.titans4j.titans.format.CorruptStateException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads a store file whole, after checking that it fits one array (a larger one would be an OutOfMemoryError). */
final class WholeFiles {

    static final long MAX_BYTES = Integer.MAX_VALUE - 8;

    private WholeFiles() {
    }

    /** {@code what} names the kind of file in the error, e.g. "memory state file". */
    static byte[] read(Path file, String what) throws IOException {
        long size = Files.size(file);
        if (size > MAX_BYTES) {
            throw new CorruptStateException(what + " " + file + " is " + size + " bytes, more than the " + MAX_BYTES
                    + " this store reads (not a file it wrote, or damaged)");
        }
        return Files.readAllBytes(file);
    }
}
