package dev.titans4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.titans4j.bench.recall.Fixtures;
import dev.titans4j.bench.recall.dataset.RecallDatasetJson;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class RecallBenchMemoryListTest {

    @Test
    void commaSeparatedMemoriesRunInTheGivenOrder(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("ten.json");
        RecallDatasetJson.write(Fixtures.tenTurnDataset(), data);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = Titans4jCli.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));

        int exit = cli.execute("recall-bench", "--data", data.toString(), "--memory", "bm25,window",
                "--budget", "12", "--json", "--no-progress");

        assertThat(exit).as(err.toString()).isZero();
        List<String> lines = out.toString().lines().toList();
        JsonNode results = new ObjectMapper().readTree(lines.get(lines.size() - 1)).get("results");
        assertThat(results.fieldNames()).toIterable().containsExactly("bm25", "window");
        assertThat(results.get("window").get("overall").asDouble()).isEqualTo(0.5);

        assertThat(cli.execute("recall-bench", "--data", data.toString(), "--memory", "bm25,nope")).isEqualTo(2);
        assertThat(err.toString()).contains("unknown memory 'nope'");
    }
}
