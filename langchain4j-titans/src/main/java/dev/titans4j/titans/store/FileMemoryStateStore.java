package dev.titans4j.titans.store;

import dev.titans4j.titans.format.CorruptStateException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

/**
 * The embedded default store: per memory id in a directory a state file ({@link StateFileFormat}) and a log
 * ({@link FileLogs}: append-only records and the latest snapshot); {@link StateFileNames} maps ids to safe names.
 *
 * <h2>Durability</h2>
 * A save writes the new state to a temporary file in the same directory, forces it to disk, atomically renames it
 * over the old file and then forces the directory. A process killed at any moment leaves either the old or the new
 * complete state, never a torn one; a crash's leftover temporary file is ignored, overwritten by the next save of
 * that id and removed when a store opens the directory. Bytes damaged on disk are reported as a
 * {@link CorruptStateException} naming the file.
 *
 * <h2>Concurrency</h2>
 * Thread-safe. The version check and the rename happen while holding a per-id lock (a lock stripe: a JVM-wide lock
 * plus an OS lock on a file in {@code .locks/}), so optimistic versioning holds for any number of threads, store
 * instances and processes sharing the directory, provided the file system supports {@link FileChannel#lock() file
 * locks} (local file systems do; some network file systems do not). Loads take no lock: the atomic rename means a
 * reader always sees one complete file.
 */
public final class FileMemoryStateStore implements MemoryStateStore {

    private final Path directory;
    private final StripedFileLocks locks;
    private final FileLogs logs;

    /**
     * Opens (creating if needed) the store in {@code directory} and removes temporary files left by crashed
     * writers.
     */
    public FileMemoryStateStore(Path directory) {
        if (directory == null) {
            throw new IllegalArgumentException("directory must not be null");
        }
        if (Files.exists(directory) && !Files.isDirectory(directory)) {
            throw new MemoryStateStoreException("memory state directory " + directory + " is a file, not a directory");
        }
        try {
            this.directory = Files.createDirectories(directory).toRealPath();
            this.locks = new StripedFileLocks(this.directory);
            this.logs = new FileLogs(this.directory, this::forceDirectory);
            removeLeftoverTempFiles();
        } catch (IOException e) {
            throw new MemoryStateStoreException("cannot open memory state directory " + directory + ": " + e, e);
        }
    }

    public Path directory() {
        return directory;
    }

    @Override
    public Optional<StoredState> load(String memoryId) {
        MemoryIds.requireValid(memoryId);
        Path file = stateFile(StateFileNames.baseName(memoryId));
        byte[] content;
        try {
            content = WholeFiles.read(file, "memory state file");
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw failure("cannot read", memoryId, file, e);
        }
        StateFileFormat.Decoded decoded = StateFileFormat.decode(file, content);
        requireOwnedBy(memoryId, file, decoded.header());
        return Optional.of(new StoredState(decoded.payload(), decoded.header().version()));
    }

    @Override
    public long save(String memoryId, byte[] state, long expectedVersion) {
        SaveArguments.check(memoryId, state, expectedVersion);
        String base = StateFileNames.baseName(memoryId);
        Path file = stateFile(base);
        Path temp = directory.resolve(base + StateFileNames.TEMP_SUFFIX);
        try {
            return locks.withLock(base, () -> {
                long actual = currentVersion(memoryId, file);
                if (actual != expectedVersion) {
                    throw new StateConflictException(memoryId, expectedVersion, actual);
                }
                long next = expectedVersion == 0 ? FirstVersions.next() : expectedVersion + 1;
                try {
                    writeDurably(temp, StateFileFormat.encode(memoryId, next, state));
                    moveAtomically(temp, file);
                } catch (IOException e) {
                    deleteQuietly(temp, e); // e.g. disk full: the old state stays, the half-written copy goes
                    throw e;
                }
                forceDirectory();
                return next;
            });
        } catch (IOException e) {
            throw failure("cannot write", memoryId, file, e);
        }
    }

    @Override
    public boolean delete(String memoryId) {
        MemoryIds.requireValid(memoryId);
        String base = StateFileNames.baseName(memoryId);
        Path file = stateFile(base);
        try {
            return locks.withLock(base, () -> {
                boolean existed = Files.deleteIfExists(file);
                Files.deleteIfExists(directory.resolve(base + StateFileNames.TEMP_SUFFIX));
                existed |= logs.delete(base);
                forceDirectory();
                return existed;
            });
        } catch (IOException e) {
            throw failure("cannot delete", memoryId, file, e);
        }
    }

    /**
     * The ids of all state and log files in the directory (a long id's log of format version 1, before the id was
     * in its header, only once it has been appended to again). Files that this store did not write (other names)
     * are ignored.
     *
     * @throws CorruptStateException when the header of a long id's file (whose name is a hash) cannot be read
     */
    @Override
    public Set<String> ids() {
        Set<String> ids = new HashSet<>();
        for (String suffix : new String[] {StateFileNames.STATE_SUFFIX, FileLogs.LOG_SUFFIX}) {
            try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, "*" + suffix)) {
                for (Path file : files) {
                    idOf(file, suffix).ifPresent(ids::add);
                }
            } catch (IOException e) {
                throw new MemoryStateStoreException("cannot list memory state directory " + directory + ": " + e, e);
            }
        }
        return Set.copyOf(ids);
    }

    @Override
    public boolean keepsLogsApart() {
        return true;
    }

    @Override
    public LogPosition append(String memoryId, byte[] record) {
        MemoryIds.requireValid(memoryId);
        java.util.Objects.requireNonNull(record, "record");
        String base = StateFileNames.baseName(memoryId);
        try {
            return locks.withLock(base, () -> logs.append(memoryId, record));
        } catch (IOException e) {
            throw failure("cannot append to the log of", memoryId, logs.logFile(base), e);
        }
    }

    @Override
    public MemoryLog readLog(String memoryId, long generation, long position) {
        MemoryIds.requireValid(memoryId);
        String base = StateFileNames.baseName(memoryId);
        try {
            return locks.withLock(base, () -> logs.readLog(memoryId, generation, position));
        } catch (IOException e) {
            throw failure("cannot read the log of", memoryId, logs.logFile(base), e);
        }
    }

    @Override
    public void saveSnapshot(String memoryId, long generation, long position, byte[] snapshot) {
        MemoryIds.requireValid(memoryId);
        java.util.Objects.requireNonNull(snapshot, "snapshot");
        String base = StateFileNames.baseName(memoryId);
        try {
            locks.withLock(base, () -> {
                logs.saveSnapshot(memoryId, generation, position, snapshot);
                return null;
            });
        } catch (IOException e) {
            throw failure("cannot save a snapshot of", memoryId, logs.logFile(base), e);
        }
    }

    /** Bytes on disk for {@code memoryId}'s log: snapshot plus records (for benchmarks and tests). */
    public long logBytes(String memoryId) {
        MemoryIds.requireValid(memoryId);
        String base = StateFileNames.baseName(memoryId);
        try {
            return locks.withLock(base, () -> logs.storedBytes(base));
        } catch (IOException e) {
            throw failure("cannot measure the log of", memoryId, logs.logFile(base), e);
        }
    }

    @Override
    public String toString() {
        return "FileMemoryStateStore[" + directory + "]";
    }

    /** The id of a state or log file, read from its header when its name is a hash; empty for foreign names. */
    private Optional<String> idOf(Path file, String suffix) throws IOException {
        String name = file.getFileName().toString();
        String base = name.substring(0, name.length() - suffix.length());
        if (!StateFileNames.looksLikeBaseName(base)) {
            return Optional.empty();
        }
        Optional<String> reversible;
        try {
            reversible = StateFileNames.reversibleId(base);
        } catch (IllegalArgumentException foreign) {
            return Optional.empty();
        }
        if (reversible.isPresent()) {
            return reversible;
        }
        try {
            Optional<String> id = suffix.equals(FileLogs.LOG_SUFFIX) ? logs.owner(base)
                    : Optional.of(StateFileFormat.readHeader(file).memoryId());
            return id.filter(i -> StateFileNames.baseName(i).equals(base));
        } catch (NoSuchFileException deletedMeanwhile) {
            return Optional.empty();
        }
    }

    private long currentVersion(String memoryId, Path file) throws IOException {
        StateFileFormat.Header header;
        try {
            header = StateFileFormat.readHeader(file);
        } catch (NoSuchFileException e) {
            return StateConflictException.ABSENT;
        }
        requireOwnedBy(memoryId, file, header);
        return header.version();
    }

    private static void requireOwnedBy(String memoryId, Path file, StateFileFormat.Header header) {
        if (!header.memoryId().equals(memoryId)) {
            throw new CorruptStateException("memory state file " + file + " belongs to memory id '"
                    + header.memoryId() + "', not '" + memoryId + "' (copied or renamed by hand?)");
        }
    }

    static void writeDurably(Path temp, ByteBuffer... parts) throws IOException {
        try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            while (parts[parts.length - 1].hasRemaining()) {
                channel.write(parts);
            }
            channel.force(true);
        }
    }

    static void moveAtomically(Path temp, Path file) throws IOException {
        try {
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("the file system of " + file.getParent()
                    + " cannot rename atomically, which crash safety requires", e);
        }
    }

    private static void deleteQuietly(Path temp, IOException cause) {
        try {
            Files.deleteIfExists(temp);
        } catch (IOException e) {
            cause.addSuppressed(e);
        }
    }

    /** Makes the rename itself durable; platforms that cannot open a directory (Windows) skip this. */
    private void forceDirectory() {
        try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
            dir.force(true);
        } catch (IOException | UncheckedIOException notSupported) {
            // the rename is still atomic; only its durability across a power loss is up to the OS
        }
    }

    /** Temporary files exist only while their writer holds the lock, so one we can lock belongs to a dead writer. */
    private void removeLeftoverTempFiles() throws IOException {
        for (String suffix : new String[] {StateFileNames.TEMP_SUFFIX, FileLogs.LOG_TEMP_SUFFIX,
                FileLogs.SNAPSHOT_TEMP_SUFFIX}) {
            try (DirectoryStream<Path> temps = Files.newDirectoryStream(directory, "*" + suffix)) {
                for (Path temp : temps) {
                    String name = temp.getFileName().toString();
                    String base = name.substring(0, name.length() - suffix.length());
                    if (StateFileNames.looksLikeBaseName(base)) {
                        locks.withLock(base, () -> Files.deleteIfExists(temp));
                    }
                }
            }
        }
    }

    private Path stateFile(String base) {
        return directory.resolve(base + StateFileNames.STATE_SUFFIX);
    }

    private static MemoryStateStoreException failure(String what, String memoryId, Path file, IOException e) {
        return new MemoryStateStoreException(what + " memory state '" + memoryId + "' (" + file + "): " + e, e);
    }
}
