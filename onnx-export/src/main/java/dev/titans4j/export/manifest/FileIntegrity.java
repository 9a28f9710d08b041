package dev.titans4j.export.manifest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Compares the files of an exported folder with the sizes and CRC32Cs its manifest records
 * ({@link ModelManifest#fileDigests()}). A size check is one file-system lookup per file, cheap enough for every
 * load; a checksum reads the whole file, so it is asked for explicitly. Manifests written before digests were
 * recorded have nothing to compare: every check then passes.
 */
public final class FileIntegrity {

    private static final String REMEDY = ": re-export or copy the folder again";

    /**
     * One file checked: what the manifest records, what was found ({@code actual} is null for a missing file, its
     * CRC32C null when only the size was checked) and the problem, null when the file matches.
     */
    public record Check(String file, FileDigest expected, FileDigest actual, String problem) {

        public boolean ok() {
            return problem == null;
        }
    }

    private FileIntegrity() {
    }

    /** Every file the manifest has a digest for, in the order it lists them; empty for older manifests. */
    public static List<Check> checkAll(Path folder, ModelManifest manifest, boolean checksums) {
        Map<String, FileDigest> digests = manifest.fileDigests();
        return digests == null ? List.of() : check(folder, manifest, digests.keySet(), checksums);
    }

    /** The named files that have a digest in the manifest (others are skipped), in the order given. */
    public static List<Check> check(Path folder, ModelManifest manifest, Collection<String> files,
                                    boolean checksums) {
        Map<String, FileDigest> digests = manifest.fileDigests() == null ? Map.of() : manifest.fileDigests();
        List<Check> checks = new ArrayList<>();
        for (String file : files) {
            FileDigest expected = digests.get(file);
            if (expected != null) {
                checks.add(check(folder.resolve(file), file, expected, checksums));
            }
        }
        return checks;
    }

    /**
     * Fails on the first named file that differs from its digest.
     *
     * @throws CorruptModelFileException naming the file, what it is and what the manifest says
     */
    public static void requireIntact(Path folder, ModelManifest manifest, Collection<String> files,
                                     boolean checksums) {
        for (Check c : check(folder, manifest, files, checksums)) {
            if (!c.ok()) {
                throw new CorruptModelFileException(folder.resolve(c.file()) + ": " + c.problem());
            }
        }
    }

    private static Check check(Path path, String file, FileDigest expected, boolean checksums) {
        long size;
        try {
            size = Files.size(path);
        } catch (NoSuchFileException e) {
            return new Check(file, expected, null, "missing, the manifest lists it with " + expected.size()
                    + " bytes" + REMEDY);
        } catch (IOException e) {
            return new Check(file, expected, null, unreadable(e));
        }
        if (size != expected.size()) {
            return new Check(file, expected, new FileDigest(size, null), size + " bytes, the manifest says "
                    + expected.size() + REMEDY);
        }
        if (!checksums) {
            return new Check(file, expected, new FileDigest(size, null), null);
        }
        FileDigest actual;
        try {
            actual = FileDigest.of(path);
        } catch (IOException e) {
            return new Check(file, expected, new FileDigest(size, null), unreadable(e));
        }
        if (!actual.crc32c().equals(expected.crc32c())) {
            return new Check(file, expected, actual, "CRC32C " + actual.crc32c() + ", the manifest says "
                    + expected.crc32c() + ": the contents changed after export" + REMEDY);
        }
        return new Check(file, expected, actual, null);
    }

    private static String unreadable(IOException e) {
        return "could not be read (" + e.getClass().getSimpleName() + ")";
    }

    /** A file of an exported folder that is missing, or whose size or checksum differs from the manifest's. */
    public static final class CorruptModelFileException extends IllegalArgumentException {
        public CorruptModelFileException(String message) {
            super(message);
        }
    }
}
