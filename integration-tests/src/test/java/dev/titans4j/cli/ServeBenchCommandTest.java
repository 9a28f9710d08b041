package dev.titans4j.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.StreamSupport;
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
    void threadCountsBeyondTheMachineAreUsageErrors() {
        assertThat(run("--threads", "100000")).isEqualTo(2);
        assertThat(err.toString()).contains("--threads must be between 0 (one per physical core) and ");
    }

    private static List<String> fieldNames(JsonNode node) {
        return StreamSupport.stream(((Iterable<String>) node::fieldNames).spliterator(), false).toList();
    }
}
