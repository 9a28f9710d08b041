package dev.titans4j.export;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What an export that is killed while it writes leaves behind (failures are ExportBadInputCorpusTest's). */
class StagedOutputTest {

    @TempDir
    Path dir;

    /**
     * Ctrl-C (SIGINT) or kill (SIGTERM) ends the JVM without unwinding the export, so only a shutdown hook can
     * remove the staging folder, gigabytes for a real model, and the parent folders the export created.
     */
    @Test
    void aKilledExportLeavesNothingBehind() throws Exception {
        Path out = dir.resolve("new").resolve("out");
        String java = ProcessHandle.current().info().command().orElseThrow();
        Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                StagingChild.class.getName(), out.toString()).redirectErrorStream(true).start();
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(child.getInputStream(), UTF_8))) {
            String staging = lines.readLine();
            assertThat(staging).startsWith(out.getParent().resolve(".out.partial-").toString());
            assertThat(Path.of(staging).resolve("model.onnx")).exists();
            child.destroy(); // SIGTERM; SIGINT runs the same shutdown hooks
            assertThat(child.waitFor(60, SECONDS)).isTrue();
        } finally {
            child.destroyForcibly();
        }
        assertThat(dir).isEmptyDirectory();
    }

    /** Stages an export into {@code args[0]}, prints the staging folder and waits to be killed. */
    static final class StagingChild {
        public static void main(String[] args) throws Exception {
            StagedOutput staged = StagedOutput.prepare(Path.of(args[0]), false, List.of());
            Files.write(staged.dir().resolve("model.onnx"), new byte[4096]);
            System.out.println(staged.dir());
            System.out.flush();
            Thread.sleep(120_000);
        }
    }
}
