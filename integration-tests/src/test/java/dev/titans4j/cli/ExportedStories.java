package dev.titans4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.titans4j.titans.testing.SharedData;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;

/** stories260K exported through the CLI's own {@code export} command, and llama2.c's reference generations. */
final class ExportedStories {

    static final String ONCE = "once_upon_a_time";

    private ExportedStories() {
    }

    /** Runs {@code titans4j export} on the shared checkpoint into {@code dir}; fails the test if it fails. */
    static Path export(Path dir) {
        Path checkpoint = SharedData.require("models/stories260K");
        Path out = dir.resolve("stories260K-onnx");
        StringWriter stdout = new StringWriter();
        StringWriter stderr = new StringWriter();
        CommandLine cli = Titans4jCli.commandLine();
        cli.setOut(new PrintWriter(stdout, true));
        cli.setErr(new PrintWriter(stderr, true));
        int exit = cli.execute("export", "-i", checkpoint.toString(), "-o", out.toString(), "--quiet");
        assertThat(exit).as(stderr.toString()).isZero();
        assertThat(stdout.toString()).contains("Exported LlamaForCausalLM");
        return out;
    }

    static JsonNode reference(String prompt) throws IOException {
        Path file = SharedData.require("models/stories260K/reference_outputs.json");
        return new ObjectMapper().readTree(file.toFile()).get(prompt);
    }

    /** The first {@code n} ids of Hugging Face-style greedy generation (EOS=2 ends; BOS does not). */
    static List<Integer> referenceIds(String prompt, int n) throws IOException {
        List<Integer> ids = new ArrayList<>();
        for (JsonNode id : reference(prompt).get("no_bos_stop_generated_ids")) {
            if (ids.size() == n) {
                break;
            }
            ids.add(id.asInt());
        }
        return ids;
    }
}
