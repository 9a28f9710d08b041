package dev.titans4j.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code titans4j serve-bench} on the tiny random shape: seconds instead of the default's minutes. */
class ServeBenchCommandTest {

    private static final int SYSTEM = 64;
    private static final int TURNS = 3;
    private static final int ROUNDS = 2;
    private static final int ANSWER = 4;

    @TempDir
    static Path work;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cli = Titans4jCli.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        List<String> full = new ArrayList<>(List.of("serve-bench"));
        full.addAll(List.of(args));
        return cli.execute(full.toArray(String[]::new));
    }

    private int runTiny(String... more) {
        List<String> args = new ArrayList<>(List.of("--shape", "tinyA", "--work", work.toString(),
                "--system-tokens", "" + SYSTEM, "--chat-turns", "" + TURNS, "--tool-rounds", "" + ROUNDS,
                "--answer-tokens", "" + ANSWER, "--streams", "2", "--decode-tokens", "8", "--repeats", "1",
                "--threads", "1"));
        args.addAll(List.of(more));
        return run(args.toArray(String[]::new));
    }

    @Test
    void jsonSummaryIsTheLastLineWithThePrefixCachesExactTokenCounts() throws Exception {
        int exit = runTiny("--json");

        assertThat(exit).as(err.toString()).isZero();
        List<String> lines = out.toString().lines().toList();
        assertThat(lines).anyMatch(l -> l.startsWith("  3-turn chat ")).anyMatch(l -> l.startsWith("  2-round tool"));
        JsonNode json = new ObjectMapper().readTree(lines.get(lines.size() - 1));
        assertThat(fieldNames(json)).containsExactly("prefix", "batch");
        assertThat(fieldNames(json.get("prefix"))).containsExactly("ttft_ratio", "prefill_token_ratio");
        assertThat(fieldNames(json.get("batch")))
                .containsExactly("fp32_speedup_2", "int4_speedup_2", "single_stream_ratio");
        // each later request reuses all but the previous answer's last token (generated, never fed back): it
        // prefills that token and the new message
        double chat = (SYSTEM + (TURNS - 1) * (1 + 30.0)) / (SYSTEM + (TURNS - 1) * (ANSWER + 30));
        double tools = (SYSTEM + 40 + (ROUNDS - 1) * (1 + 150.0)) / (SYSTEM + 40 + (ROUNDS - 1) * (ANSWER + 150));
        assertThat(json.get("prefix").get("prefill_token_ratio").asDouble()).isCloseTo(Math.max(chat, tools),
                within(1e-4));
        assertThat(json.get("prefix").get("ttft_ratio").asDouble()).isPositive().isLessThan(100);
        for (String figure : List.of("fp32_speedup_2", "int4_speedup_2", "single_stream_ratio")) {
            assertThat(json.get("batch").get(figure).asDouble()).as(figure).isPositive().isLessThan(100);
        }
    }

    @Test
    void withoutJsonOnlyTheTableIsPrinted() {
        assertThat(runTiny()).as(err.toString()).isZero();

        assertThat(out.toString()).startsWith("serve-bench: shape tinyA, 1 threads, medians of 1 repeats")
                .doesNotContain("{");
    }

    @Test
    void unknownShapeIsOneLineError() {
        assertThat(run("--shape", "C")).isEqualTo(1);
        assertThat(err.toString()).isEqualTo("error: --shape: unknown shape 'C' (A, B, tinyA, tinyB)"
                + System.lineSeparator());
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void settingsTooSmallToMeasureAreOneLineErrors() {
        assertThat(run("--repeats", "0")).isEqualTo(1);
        assertThat(err.toString()).isEqualTo("error: --repeats must be at least 1, got 0" + System.lineSeparator());

        err.getBuffer().setLength(0);
        assertThat(run("--chat-turns", "1")).isEqualTo(1);
        assertThat(err.toString()).isEqualTo("error: --chat-turns must be at least 2, got 1"
                + System.lineSeparator());
    }

    @Test
    void aWorkFolderThatCannotBeCreatedSaysWhyNotJustItsName() {
        Assumptions.assumeTrue(Files.isDirectory(Path.of("/proc/self")), "needs /proc (Linux)");
        assertThat(run("--shape", "tinyA", "--work", "/proc/titans4j-serve-bench")).isEqualTo(1);
        assertThat(err.toString()).isEqualTo("error: /proc/titans4j-serve-bench: no such file or folder"
                + " (or a parent folder that cannot hold one)" + System.lineSeparator());
    }

    @Test
    void settingsBeyondTheCheckpointsContextAreRefusedBeforeAnythingRuns() {
        // the table would otherwise report "1000000 tokens per request" for requests the context cut short
        assertThat(run("--shape", "tinyA", "--decode-tokens", "1000000")).isEqualTo(1);
        assertThat(err.toString()).isEqualTo("error: --decode-tokens 1000000 does not fit the random checkpoint's"
                + " 4096-token context with its 8 prompt tokens: at most 4088" + System.lineSeparator());

        err.getBuffer().setLength(0);
        assertThat(run("--shape", "tinyA", "--system-tokens", "100000")).isEqualTo(1);
        assertThat(err.toString()).isEqualTo("error: the conversations reach 101050 positions, beyond the random"
                + " checkpoint's 4096-token context: lower --system-tokens, --chat-turns, --tool-rounds or"
                + " --answer-tokens" + System.lineSeparator());
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void threadCountsBeyondTheMachineAreUsageErrors() {
        assertThat(run("--threads", "100000")).isEqualTo(2);
        assertThat(err.toString()).contains("--threads must be between 0 (one per physical core) and ");
    }

    @Test
    void aRunEndedByCtrlCOrKillLeavesNoTemporaryFolderBehind() throws Exception {
        Path tmp = Files.createDirectory(work.resolve("tmp"));
        Path log = work.resolve("interrupted.stderr");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-XX:TieredStopAtLevel=1", "-Djava.io.tmpdir=" + tmp,
                "-cp", System.getProperty("java.class.path"), Titans4jCli.class.getName(), "serve-bench",
                "--shape", "tinyA", "--repeats", "100000", "--threads", "1")
                .redirectError(log.toFile()).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (!Files.readString(log).contains("repeat 1 of")) { // the exports are written by then
                assertThat(p.isAlive()).as(Files.readString(log)).isTrue();
                assertThat(System.nanoTime()).as("the benchmark starts measuring").isLessThan(deadline);
                Thread.sleep(200);
            }
            assertThat(benchFolders(tmp)).hasSize(1);
        } finally {
            p.destroy(); // SIGTERM: the JVM shuts down as on Ctrl-C
        }
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("the JVM ends").isTrue();

        assertThat(benchFolders(tmp)).isEmpty();
    }

    private static List<Path> benchFolders(Path tmp) throws IOException {
        try (Stream<Path> entries = Files.list(tmp)) {
            return entries.filter(e -> e.getFileName().toString().startsWith("titans4j-serve-bench")).toList();
        }
    }

    private static List<String> fieldNames(JsonNode node) {
        return StreamSupport.stream(((Iterable<String>) node::fieldNames).spliterator(), false).toList();
    }
}
