package dev.titans4j.titans.store;

import dev.titans4j.titans.format.CorruptStateException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A state file and a log file of the file store truncated at every byte and with every byte flipped: loading, listing
 * ids and reading the log either work or fail with one {@link CorruptStateException}.
 */
class StateFileFuzzTest {

    @TempDir
    Path directory;

    @Test
    void damaged_state_and_log_files_load_or_are_refused() throws IOException {
        FileMemoryStateStore store = new FileMemoryStateStore(directory);
        store.save("u1", "a small state".getBytes(StandardCharsets.UTF_8), 0);
        store.append("u1", "record one".getBytes(StandardCharsets.UTF_8));
        store.append("u1", "record two".getBytes(StandardCharsets.UTF_8));
        Path dir = directory.toRealPath();
        String base = StateFileNames.baseName("u1");
        for (Path file : new Path[] {dir.resolve(base + StateFileNames.STATE_SUFFIX),
            dir.resolve(base + FileLogs.LOG_SUFFIX)}) {
            byte[] original = Files.readAllBytes(file);
            for (int n = 0; n < original.length; n++) {
                Files.write(file, Arrays.copyOf(original, n));
                exercise(store, file + " truncated at " + n);
            }
            int[] masks = {0x01, 0x80, 0xff, 0x10};
            for (int i = 0; i < original.length; i++) {
                byte[] damaged = original.clone();
                damaged[i] ^= (byte) masks[i % masks.length];
                Files.write(file, damaged);
                exercise(store, file + " byte " + i);
            }
            Files.write(file, original);
        }
    }

    private static void exercise(FileMemoryStateStore store, String what) {
        for (Runnable call : new Runnable[] {() -> store.load("u1"), store::ids, () -> store.readLog("u1", 0, 0)}) {
            try {
                call.run();
            } catch (CorruptStateException expected) {
                // the one allowed failure
            } catch (Throwable t) {
                throw new AssertionError(what + ": " + t, t);
            }
        }
    }
}
