package dev.titans4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.titans4j.bench.recall.Fixtures;
import dev.titans4j.bench.recall.dataset.RecallDatasetJson;
import dev.titans4j.bench.recall.memory.WindowMemory;
import dev.titans4j.bench.recall.memory.RecallMemoryRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class RecallBenchCommandTest {

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(CommandLine commandLine, String... args) {
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        return commandLine.execute(args);
    }

    private static Path dataset(Path dir) {
        Path file = dir.resolve("ten.json");
        RecallDatasetJson.write(Fixtures.tenTurnDataset(), file);
        return file;
    }

    @Test
    void jsonIsTheLastStdoutLineAndParses(@TempDir Path dir) throws Exception {
        int exit = run(Titans4jCli.commandLine(), "recall-bench", "--data", dataset(dir).toString(),
                "--memory", "bm25", "--budget", "12", "--json", "--no-progress");

        assertThat(exit).as(err.toString()).isZero();
        List<String> lines = out.toString().lines().toList();
        JsonNode json = new ObjectMapper().readTree(lines.get(lines.size() - 1));
        assertThat(json.get("budget").asInt()).isEqualTo(12);
        JsonNode bm25 = json.get("results").get("bm25");
        assertThat(bm25.fieldNames()).toIterable().containsExactly("overall", "categories", "injected_tokens",
                "ingest_ms_per_turn", "recall_ms_p50", "recall_ms_p95", "state_bytes");
        // budget 12 = two 6-token turns: window share floor(3) holds nothing, so both come from BM25;
        // "When does the zeppelin land?" retrieves S1:2 -> the 'old' question is found
        assertThat(bm25.get("categories").get("old").asDouble()).isEqualTo(1.0);
        assertThat(bm25.get("injected_tokens").asLong()).isLessThanOrEqualTo(12);
        assertThat(out.toString()).contains("evidence recall");
    }

    @Test
    void allListsUnavailableMemoriesWithoutFailing(@TempDir Path dir) throws Exception {
        CommandLine commandLine = new CommandLine(new RecallBenchCommand(context -> new RecallMemoryRegistry()
                .register("window", WindowMemory::new)
                .unavailable("titans", "TitansChatMemory " + RecallMemoryRegistry.NOT_AVAILABLE_YET)));

        int exit = run(commandLine, "--data", dataset(dir).toString(), "--memory", "all", "--budget", "12",
                "--json", "--no-progress");

        assertThat(exit).isZero();
        assertThat(out.toString()).contains("titans: TitansChatMemory not available yet");
        List<String> lines = out.toString().lines().toList();
        JsonNode json = new ObjectMapper().readTree(lines.get(lines.size() - 1));
        assertThat(json.get("results").get("window").get("overall").asDouble()).isEqualTo(0.5);
        assertThat(json.get("results").has("titans")).isFalse();
    }

    @Test
    void titansMemoriesAreRegisteredAndAvailable() {
        RecallMemoryRegistry registry = RecallMemoryRegistry.standard(
                dev.titans4j.bench.recall.memory.MemoryContext.withMiniLm(
                        dev.titans4j.bench.recall.memory.BudgetPolicy.defaults()));

        assertThat(registry.names()).contains("titans", "titans-no-write");
        assertThat(registry.factory("titans")).isPresent();
        assertThat(registry.factory("titans-no-write")).isPresent();
    }

    @Test
    void unknownMemoryAndBrokenDatasetAreClearErrors(@TempDir Path dir) throws Exception {
        assertThat(run(Titans4jCli.commandLine(), "recall-bench", "--data", dataset(dir).toString(),
                "--memory", "vector")).isEqualTo(2);
        assertThat(err.toString()).contains("unknown memory 'vector'").contains("window, embedding, bm25, hybrid");

        Path broken = dir.resolve("broken.json");
        Files.writeString(broken, Files.readString(dataset(dir)).replace("\"S1:10\"]", "\"S1:11\"]"));
        assertThat(run(Titans4jCli.commandLine(), "recall-bench", "--data", broken.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("cites unknown evidence turn 'S1:11'");
    }

    @Test
    void aFolderGivenAsTheDatasetIsOneLineNotAStackTrace(@TempDir Path dir) {
        assertThat(run(Titans4jCli.commandLine(), "recall-bench", "--data", dir.toString())).isEqualTo(2);
        assertThat(err.toString()).isEqualTo("cannot read recall dataset " + dir + ": Is a directory"
                + System.lineSeparator());
    }
}
