package dev.titans4j.cli;

import dev.titans4j.bench.recall.dataset.RecallDataset;
import dev.titans4j.bench.recall.dataset.RecallDatasetJson;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class MakeRecallDataCommandTest {

    @Test
    void needleSubCommandWritesAValidDataset(@TempDir Path dir) throws Exception {
        Path haystack = Files.createDirectory(dir.resolve("haystack"));
        Files.writeString(haystack.resolve("essay.txt"), "Some filler words go here today. ".repeat(500));
        Path out = dir.resolve("out/needles.json");
        StringWriter stdout = new StringWriter();
        CommandLine cli = Titans4jCli.commandLine();
        cli.setOut(new PrintWriter(stdout, true));

        int exit = cli.execute("make-recall-data", "needle", "--haystack-dir", haystack.toString(),
                "--tokens", "3000", "--conversations", "2", "--needles", "4", "--seed", "1", "--out", out.toString());

        assertThat(exit).isZero();
        RecallDataset dataset = RecallDatasetJson.read(out);
        assertThat(dataset.conversations()).hasSize(2);
        assertThat(dataset.questionCount()).isEqualTo(8);
        assertThat(stdout.toString()).contains("wrote " + out).contains("2 conversations").contains("8 questions");
    }

    @Test
    void missingHaystackIsAClearError(@TempDir Path dir) {
        StringWriter stderr = new StringWriter();
        CommandLine cli = Titans4jCli.commandLine();
        cli.setErr(new PrintWriter(stderr, true));

        int exit = cli.execute("make-recall-data", "needle", "--haystack-dir", dir.resolve("nope").toString(),
                "--out", dir.resolve("x.json").toString());

        assertThat(exit).isEqualTo(2);
        assertThat(stderr.toString()).startsWith("make-recall-data needle: haystack folder not found: ")
                .contains("nope").doesNotContain("\tat ");
    }
}
