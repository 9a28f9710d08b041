package dev.titans4j.titans.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real processes against one directory: a writer killed with {@code destroyForcibly()} (SIGKILL) at random moments
 * must leave a complete state behind, and writers in two JVMs must not lose increments.
 */
class FileMemoryStateStoreCrashTest {

    private static final int STATE_SIZE = 4 * 1024 * 1024;
    private static final String ID = "crash/victim";

    @TempDir
    Path directory;

    /**
     * Even rounds kill after a random delay; odd rounds kill as soon as the writer's temporary file appears, so at
     * least some kills land inside a write (checked: a temporary file is left behind).
     */
    @Test
    void writerKilledMidWriteAlwaysLeavesACompleteState() throws Exception {
        Random random = new Random(42);
        long lastVersion = 0;
        Long versionMinusNumber = null;
        int killsInsideAWrite = 0;
        for (int round = 0; round < 6; round++) {
            Process writer = FileStoreChildProcess.start("write", directory.toString(), ID,
                    String.valueOf(STATE_SIZE));
            BufferedReader out = new BufferedReader(new InputStreamReader(writer.getInputStream(),
                    StandardCharsets.UTF_8));
            assertThat(FileStoreChildProcess.firstLine(writer, out)).as("child saved at least once")
                    .startsWith("saved ");
            if (round % 2 == 0) {
                Thread.sleep(random.nextInt(200));
            } else {
                awaitTempFile();
            }
            FileStoreChildProcess.stop(writer);
            assertThat(writer.isAlive()).isFalse();
            if (tempFileExists()) {
                killsInsideAWrite++;
            }

            FileMemoryStateStore store = new FileMemoryStateStore(directory);
            StoredState state = store.load(ID).orElseThrow();
            long number = ByteBuffer.wrap(state.bytes()).getLong();
            assertThat(state.bytes()).as("state %d after kill %d is complete", number, round)
                    .isEqualTo(FileStoreChildProcess.numberedState(number, STATE_SIZE));
            if (versionMinusNumber == null) {
                versionMinusNumber = state.version() - number;
            }
            assertThat(state.version() - number).as("each child continues from the state it found")
                    .isEqualTo(versionMinusNumber);
            assertThat(state.version()).isGreaterThan(lastVersion);
            lastVersion = state.version();
            assertThat(tempFileExists()).as("opening the store removes the dead writer's temp file").isFalse();
        }
        assertThat(killsInsideAWrite).as("kills that interrupted a write").isPositive();
        assertThat(new FileMemoryStateStore(directory).ids()).containsExactly(ID);
    }

    private void awaitTempFile() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!tempFileExists() && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
    }

    private boolean tempFileExists() {
        return Files.exists(directory.resolve(StateFileNames.baseName(ID) + StateFileNames.TEMP_SUFFIX));
    }

    @Test
    void twoProcessesIncrementingOneIdLoseNothing() throws Exception {
        int perProcess = 60;
        FileMemoryStateStore store = new FileMemoryStateStore(directory);
        long first = store.save("counter", MemoryStateStoreContractTest.counter(0), 0);
        Process other = FileStoreChildProcess.start("increment", directory.toString(), "counter",
                String.valueOf(perProcess));
        BufferedReader out = new BufferedReader(new InputStreamReader(other.getInputStream(), StandardCharsets.UTF_8));
        assertThat(FileStoreChildProcess.firstLine(other, out)).isEqualTo("ready");
        other.getOutputStream().write('\n');
        other.getOutputStream().flush();
        try {
            for (int i = 0; i < perProcess; i++) {
                MemoryStateStoreContractTest.PATIENT.update(store, "counter",
                        c -> MemoryStateStoreContractTest.counter(MemoryStateStoreContractTest.valueOf(c) + 1));
            }
            assertThat(other.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(other.exitValue()).isZero();
        } finally {
            FileStoreChildProcess.stop(other);
        }
        StoredState state = store.load("counter").orElseThrow();
        assertThat(MemoryStateStoreContractTest.valueOf(java.util.Optional.of(state.bytes())))
                .isEqualTo(2L * perProcess);
        assertThat(state.version()).isEqualTo(first + 2L * perProcess);
    }
}
