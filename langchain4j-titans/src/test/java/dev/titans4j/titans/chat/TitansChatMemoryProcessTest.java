package dev.titans4j.titans.chat;

import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.titans4j.titans.store.MemoryStateStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Real processes on one chat memory: a writer killed with SIGKILL at random moments loses no acknowledged add and
 * leaves a readable state; three writers adding to one id at once lose nothing and keep each writer's order. On
 * the file store always, on PostgreSQL when {@code TITANS4J_PG_URL} is set (CI sets it).
 */
class TitansChatMemoryProcessTest {

    @TempDir
    Path directory;

    @Test
    void a_writer_killed_at_random_loses_no_acknowledged_add_on_the_file_store() throws Exception {
        killRounds("file:" + directory);
    }

    @Test
    void a_writer_killed_at_random_loses_no_acknowledged_add_on_postgresql() throws Exception {
        killRounds(PostgresStore.spec());
    }

    @Test
    void three_processes_adding_to_one_id_lose_nothing_on_the_file_store() throws Exception {
        concurrentWriters("file:" + directory);
    }

    @Test
    void three_processes_adding_to_one_id_lose_nothing_on_postgresql() throws Exception {
        concurrentWriters(PostgresStore.spec());
    }

    private static void killRounds(String spec) throws Exception {
        Random random = new Random(7);
        Map<String, Long> acked = new HashMap<>();
        for (int round = 0; round < 5; round++) {
            String prefix = "r" + round;
            Process writer = ChatMemoryChildProcess.start(spec, "victim", prefix, "-1");
            BufferedReader out = reader(writer);
            assertThat(ChatMemoryChildProcess.nextLine(writer, out)).isEqualTo("ready");
            writer.getOutputStream().write('\n');
            writer.getOutputStream().flush();
            long target = 5 + random.nextInt(40); // lands in record writes and in snapshots (every 16)
            long last = -1;
            while (last < target) {
                last = Long.parseLong(ChatMemoryChildProcess.nextLine(writer, out).substring("acked ".length()));
            }
            writer.destroyForcibly();
            assertThat(writer.waitFor(10, TimeUnit.SECONDS)).isTrue();
            acked.put(prefix, last);

            TitansChatMemory memory = ChatMemoryChildProcess.memory(ChatMemoryChildProcess.store(spec), "victim");
            Map<String, Integer> seen = texts(memory);
            acked.forEach((p, n) -> {
                for (long i = 0; i <= n; i++) {
                    assertThat(seen.get(p + "-" + i)).as("acknowledged add %s-%d after kill %s", p, i, spec)
                            .isEqualTo(1);
                }
            });
            assertThat(seen.values()).as("no message twice").allMatch(c -> c == 1);
        }
    }

    private static void concurrentWriters(String spec) throws Exception {
        int perWriter = Integer.getInteger("titans4j.test.addsPerWriter", 40);
        List<Process> writers = new ArrayList<>();
        List<BufferedReader> outs = new ArrayList<>();
        for (int w = 0; w < 3; w++) {
            Process p = ChatMemoryChildProcess.start(spec, "shared", "w" + w, String.valueOf(perWriter));
            writers.add(p);
            outs.add(reader(p));
        }
        try {
            for (int w = 0; w < 3; w++) {
                assertThat(ChatMemoryChildProcess.nextLine(writers.get(w), outs.get(w))).isEqualTo("ready");
            }
            for (Process p : writers) { // all start adding at about the same moment
                p.getOutputStream().write('\n');
                p.getOutputStream().flush();
            }
            for (int w = 0; w < 3; w++) {
                Process p = writers.get(w);
                assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue(); // its few lines fit the pipe meanwhile
                assertThat(p.exitValue()).as("every add of every writer succeeded").isZero();
                String last = null;
                for (String line; (line = outs.get(w).readLine()) != null; ) {
                    last = line;
                }
                assertThat(last).startsWith("add ms");
                System.out.printf("%s, writer %d of 3, %d adds: %s%n", spec.substring(0, 4), w, perWriter, last);
            }
        } finally {
            writers.forEach(Process::destroyForcibly);
        }
        TitansChatMemory memory = ChatMemoryChildProcess.memory(ChatMemoryChildProcess.store(spec), "shared");
        Map<String, Integer> seen = texts(memory);
        assertThat(seen).hasSize(3 * perWriter);
        assertThat(seen.values()).allMatch(c -> c == 1);
        Map<String, Long> seqOf = new HashMap<>();
        memory.rank("w").forEach(s -> seqOf.put(s.text(), s.seq()));
        for (int w = 0; w < 3; w++) {
            for (int i = 1; i < perWriter - 3; i++) { // the last ones may still be in the window
                assertThat(seqOf.get("w" + w + "-" + i)).as("writer %d keeps its order", w)
                        .isGreaterThan(seqOf.get("w" + w + "-" + (i - 1)));
            }
        }
    }

    /** How often each text occurs in the window and the archive. */
    private static Map<String, Integer> texts(TitansChatMemory memory) {
        Map<String, Integer> seen = new HashMap<>();
        memory.rank("r w").forEach(s -> seen.merge(s.text(), 1, Integer::sum));
        for (ChatMessage m : memory.messages()) {
            if (m instanceof UserMessage u && !u.singleText().startsWith(RecallPrompt.RECALL_HEADER)) {
                seen.merge(u.singleText(), 1, Integer::sum);
            }
        }
        return seen;
    }

    private static BufferedReader reader(Process p) {
        return new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    }

    /** The PostgreSQL store spec for the child, with a table of its own; skips (or fails in CI) without a server. */
    private static final class PostgresStore {
        static String spec() throws Exception {
            String url = dev.titans4j.titans.store.PostgresAccess.requireUrl();
            String table = dev.titans4j.titans.store.PostgresAccess.uniqueTableName();
            MemoryStateStore ignored = ChatMemoryChildProcess.store(url + "#" + table); // creates the tables
            return url + "#" + table;
        }
    }
}
