package dev.titans4j.titans.store;

import java.io.BufferedReader;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * A second JVM working on a {@link FileMemoryStateStore} directory, started by the crash and multi-process tests.
 * <ul>
 *   <li>{@code write DIR ID SIZE}: saves states 1, 2, 3, ... of SIZE bytes to ID forever, printing
 *       {@code saved N} after each, until it is killed.</li>
 *   <li>{@code increment DIR ID COUNT}: prints {@code ready}, waits for a line on stdin, then increments the
 *       counter in ID COUNT times with the update helper and exits.</li>
 * </ul>
 */
public final class FileStoreChildProcess {

    private FileStoreChildProcess() {
    }

    public static void main(String[] args) throws Exception {
        FileMemoryStateStore store = new FileMemoryStateStore(Path.of(args[1]));
        String id = args[2];
        switch (args[0]) {
            case "write" -> writeForever(store, id, Integer.parseInt(args[3]));
            case "increment" -> increment(store, id, Integer.parseInt(args[3]));
            default -> throw new IllegalArgumentException("unknown mode " + args[0]);
        }
    }

    private static void writeForever(FileMemoryStateStore store, String id, int size) {
        long version = store.load(id).map(StoredState::version).orElse(0L);
        long n = version == 0 ? 0 : ByteBuffer.wrap(store.load(id).orElseThrow().bytes()).getLong();
        while (true) {
            n++;
            version = store.save(id, numberedState(n, size), version);
            System.out.println("saved " + n);
            System.out.flush();
        }
    }

    private static void increment(FileMemoryStateStore store, String id, int count) throws Exception {
        System.out.println("ready");
        System.out.flush();
        System.in.read();
        for (int i = 0; i < count; i++) {
            MemoryStateStoreContractTest.PATIENT.update(store, id,
                    current -> MemoryStateStoreContractTest.counter(MemoryStateStoreContractTest.valueOf(current) + 1));
        }
    }

    /**
     * State number {@code n}: the number, then {@code size - 8} bytes that only {@code n} determines (fixed noise
     * plus {@code n}, cheap to make so the writer spends its time writing, where the kill should land).
     */
    static byte[] numberedState(long n, int size) {
        byte[] state = noise(size);
        for (int i = 0; i < size; i++) {
            state[i] += (byte) n;
        }
        ByteBuffer.wrap(state).putLong(n);
        return state;
    }

    private static byte[] cachedNoise = new byte[0];

    private static synchronized byte[] noise(int size) {
        if (cachedNoise.length != size) {
            cachedNoise = new byte[size];
            new Random(size).nextBytes(cachedNoise);
        }
        return cachedNoise.clone();
    }

    /** Starts this class in a new JVM with the test class path. */
    static Process start(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                "-cp", System.getProperty("java.class.path"), FileStoreChildProcess.class.getName()));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    }

    /** The child's first line of output; a child that died first fails the test with its exit code. */
    static String firstLine(Process process, BufferedReader out) throws Exception {
        String line = out.readLine();
        if (line == null) {
            process.waitFor(10, TimeUnit.SECONDS);
            throw new AssertionError("child JVM " + process.info().commandLine().orElse("?") + " exited with "
                    + (process.isAlive() ? "no output" : "code " + process.exitValue())
                    + " before its first line (its stderr is above)");
        }
        return line;
    }

    static void stop(Process process) throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }
}
