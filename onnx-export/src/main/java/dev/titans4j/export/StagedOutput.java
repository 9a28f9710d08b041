package dev.titans4j.export;

import dev.titans4j.export.manifest.ModelManifest;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

/**
 * The folder an export is written into: a hidden staging folder beside the output ({@code .NAME.partial-N}, same
 * file system), moved into place only once every file is complete. Until {@link #commit()} the output is untouched,
 * so a failed export leaves no folder behind, or the folder exactly as it was found; {@link #close()} removes the
 * staging folder and any parent folders it had to create, and so does a shutdown hook when the JVM ends before that
 * (Ctrl-C, kill), since the export is then never unwound. An absent or empty output receives the staging folder by
 * one rename; a non-empty output (allowed with {@code force}) receives the files one by one, {@code manifest.json}
 * last, after the files of an earlier export that the new one may not replace have been removed, so an interrupted
 * commit leaves no manifest pointing at a mix of two exports.
 */
final class StagedOutput implements AutoCloseable {

    private final Path output;
    private final Path staging;
    private final Path createdParent;
    private final List<String> staleFiles;
    private final Thread removeOnExit = new Thread(this::abandon, "export-staging-cleanup");
    private boolean committed;
    private boolean abandoned;

    private StagedOutput(Path output, Path staging, Path createdParent, List<String> staleFiles) {
        this.output = output;
        this.staging = staging;
        this.createdParent = createdParent;
        this.staleFiles = staleFiles;
    }

    /**
     * Checks the output location and creates the staging folder.
     *
     * @param staleFiles names an earlier export in a forced output may hold that this one must not leave behind
     */
    static StagedOutput prepare(Path output, boolean force, List<String> staleFiles) throws IOException {
        Path target = output.toAbsolutePath().normalize();
        if (Files.exists(target) && !Files.isDirectory(target)) {
            throw new ExportException("output " + output + " exists and is not a folder");
        }
        if (Files.isDirectory(target) && !force && !isEmpty(target)) {
            throw new ExportException("output folder " + output
                    + " is not empty; choose another folder or pass --force to overwrite");
        }
        Path parent = target.getParent();
        if (parent == null) {
            throw new ExportException("output " + output + " is a file system root; choose a folder inside it");
        }
        Path createdParent = firstMissing(parent);
        try {
            Files.createDirectories(parent);
            StagedOutput staged = new StagedOutput(target, createStaging(parent, target.getFileName().toString()),
                    createdParent, staleFiles);
            Runtime.getRuntime().addShutdownHook(staged.removeOnExit);
            return staged;
        } catch (FileSystemException e) {
            deleteQuietly(createdParent);
            throw new ExportException("cannot create the output folder " + output + ": " + IoProblems.describe(e));
        }
    }

    /** Where to write the files of the export. */
    Path dir() {
        return staging;
    }

    /** Moves the complete export into the output folder (not once the shutdown hook has removed it). */
    synchronized void commit() throws IOException {
        if (abandoned) {
            throw new ExportException("export interrupted: the JVM is shutting down");
        }
        if (Files.isDirectory(output) && !isEmpty(output)) {
            replaceFiles();
        } else {
            try {
                Files.move(staging, output, StandardCopyOption.ATOMIC_MOVE); // replaces an empty folder on Linux
            } catch (IOException notAtomicHere) {
                Files.deleteIfExists(output);
                Files.move(staging, output);
            }
        }
        committed = true;
    }

    private void replaceFiles() throws IOException {
        Files.deleteIfExists(output.resolve(ModelManifest.FILE_NAME));
        for (String stale : staleFiles) {
            Files.deleteIfExists(output.resolve(stale));
        }
        List<Path> files;
        try (Stream<Path> listing = Files.list(staging)) {
            files = new ArrayList<>(listing.sorted(Comparator.comparing((Path p) -> isManifest(p))
                    .thenComparing(Path::getFileName)).toList());
        }
        for (Path file : files) {
            move(file, output.resolve(file.getFileName().toString()));
        }
        Files.delete(staging);
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** Removes the staging folder (and parents this export created) unless the export was committed. */
    @Override
    public void close() {
        try {
            Runtime.getRuntime().removeShutdownHook(removeOnExit);
        } catch (IllegalStateException shuttingDown) {
            // the hook runs (or ran) abandon() itself
        }
        abandon();
    }

    private synchronized void abandon() {
        if (!committed && !abandoned) {
            abandoned = true;
            deleteQuietly(createdParent != null ? createdParent : staging);
        }
    }

    private static Path createStaging(Path parent, String name) throws IOException {
        while (true) {
            Path candidate = parent.resolve("." + name + ".partial-"
                    + Integer.toUnsignedString(ThreadLocalRandom.current().nextInt(), 36));
            try {
                return Files.createDirectory(candidate); // default permissions, as the output folder would get
            } catch (FileAlreadyExistsException taken) {
                // another export is staging beside this one: draw another name
            }
        }
    }

    private static Path firstMissing(Path dir) {
        Path missing = null;
        for (Path p = dir; p != null && !Files.exists(p); p = p.getParent()) {
            missing = p;
        }
        return missing;
    }

    private static boolean isEmpty(Path dir) throws IOException {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.findAny().isEmpty();
        }
    }

    private static boolean isManifest(Path file) {
        return file.getFileName().toString().equals(ModelManifest.FILE_NAME);
    }

    private static void deleteQuietly(Path root) {
        if (root == null || !Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // best effort: the export's own failure is what the caller needs to see
                }
            });
        } catch (IOException ignored) {
            // best effort, as above
        }
    }
}
