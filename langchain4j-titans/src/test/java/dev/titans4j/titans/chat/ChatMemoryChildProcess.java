package dev.titans4j.titans.chat;

import dev.langchain4j.data.message.UserMessage;
import dev.titans4j.titans.store.FileMemoryStateStore;
import dev.titans4j.titans.store.JdbcMemoryStateStore;
import dev.titans4j.titans.store.MemoryStateStore;

import java.io.BufferedReader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Another JVM adding messages to one {@link TitansChatMemory}, for the kill -9 and multi-process tests:
 * {@code STORE ID PREFIX COUNT}, where STORE is {@code file:DIR} or {@code jdbc:URL#TABLE}. It prints
 * {@code ready}, waits for a line on stdin, then adds user messages {@code PREFIX-0}, {@code PREFIX-1}, ...
 * (COUNT of them, forever when COUNT is -1), printing {@code acked N} after each add returns, and at the end
 * {@code add ms p50 P p95 Q max M}: what contention costs a writer.
 */
public final class ChatMemoryChildProcess {

    private ChatMemoryChildProcess() {
    }

    static TitansChatMemory memory(MemoryStateStore store, String id) {
        return TitansChatMemory.builder().id(id).maxMessages(3).snapshotEvery(16)
                .embeddingModel(new HashingEmbeddingModel()).store(store).build();
    }

    static MemoryStateStore store(String spec) {
        if (spec.startsWith("file:")) {
            return new FileMemoryStateStore(Path.of(spec.substring(5)));
        }
        int hash = spec.lastIndexOf('#');
        return JdbcMemoryStateStore.builder().jdbcUrl(spec.substring(0, hash)).tableName(spec.substring(hash + 1))
                .build();
    }

    public static void main(String[] args) throws Exception {
        TitansChatMemory memory = memory(store(args[0]), args[1]);
        String prefix = args[2];
        long count = Long.parseLong(args[3]);
        System.out.println("ready");
        System.out.flush();
        System.in.read();
        List<Long> nanos = new ArrayList<>();
        for (long i = 0; count < 0 || i < count; i++) {
            long start = System.nanoTime();
            memory.add(UserMessage.from(prefix + "-" + i));
            nanos.add(System.nanoTime() - start);
            System.out.println("acked " + i);
            System.out.flush();
        }
        nanos.sort(null);
        System.out.printf(java.util.Locale.ROOT, "add ms p50 %.1f p95 %.1f max %.1f%n", at(nanos, 0.50),
                at(nanos, 0.95), at(nanos, 1.0));
    }

    private static double at(List<Long> sorted, double quantile) {
        return sorted.get((int) Math.ceil(quantile * sorted.size()) - 1) / 1e6;
    }

    static Process start(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                "-cp", System.getProperty("java.class.path"), ChatMemoryChildProcess.class.getName()));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    }

    /** Reads the child's next line; a child that died first fails the test with its exit code. */
    static String nextLine(Process process, BufferedReader out) throws Exception {
        String line = out.readLine();
        if (line == null) {
            process.waitFor(10, TimeUnit.SECONDS);
            throw new AssertionError("child JVM exited with " + (process.isAlive() ? "no output"
                    : "code " + process.exitValue()) + " (its stderr is above)");
        }
        return line;
    }
}
