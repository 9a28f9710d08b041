package dev.titans4j.titans.store;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Mutual exclusion per state file, across threads and processes. Each base name hashes to one of
 * {@value #STRIPES} lock files in {@code <directory>/.locks}; holding a stripe means holding a JVM-wide
 * {@link ReentrantLock} for that lock file and then an exclusive {@link FileChannel#lock() OS file lock} on it.
 *
 * <p>The in-process lock is static and keyed by the lock file's real path because OS file locks belong to the
 * process: a second store instance on the same directory in this JVM would otherwise get an
 * {@link java.nio.channels.OverlappingFileLockException}, and closing its channel could release our lock.
 * Lock files are never deleted, so every process always locks the same file. The stripe count is fixed because all
 * processes sharing a directory must agree on it.
 */
final class StripedFileLocks {

    static final int STRIPES = 64;
    static final String LOCK_DIRECTORY = ".locks";
    private static final ConcurrentMap<Path, ReentrantLock> JVM_LOCKS = new ConcurrentHashMap<>();

    @FunctionalInterface
    interface IoAction<T> {
        T run() throws IOException;
    }

    private final Path lockDirectory;

    /** @param directory the store directory, already a real path */
    StripedFileLocks(Path directory) throws IOException {
        this.lockDirectory = Files.createDirectories(directory.resolve(LOCK_DIRECTORY));
    }

    /** Runs {@code action} while holding the stripe of {@code baseName} in this JVM and at OS level. */
    <T> T withLock(String baseName, IoAction<T> action) throws IOException {
        // String.hashCode is specified by the JLS, so every process picks the same stripe for a name
        Path lockFile = lockDirectory.resolve(String.format("stripe-%02d.lock", Math.floorMod(baseName.hashCode(), STRIPES)));
        ReentrantLock jvmLock = JVM_LOCKS.computeIfAbsent(lockFile, f -> new ReentrantLock());
        jvmLock.lock();
        try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock ignored = channel.lock()) {
            return action.run();
        } finally {
            jvmLock.unlock();
        }
    }
}
