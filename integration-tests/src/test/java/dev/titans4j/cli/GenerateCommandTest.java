package dev.titans4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtProvider;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code titans4j generate} against llama2.c's reference generations of stories260K. */
class GenerateCommandTest {

    @TempDir
    static Path dir;
    static Path model;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @BeforeAll
    static void exportModel() {
        model = ExportedStories.export(dir);
    }

    private int run(String... args) {
        CommandLine cli = Titans4jCli.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        String[] full = new String[args.length + 1];
        full[0] = "generate";
        System.arraycopy(args, 0, full, 1, args.length);
        return cli.execute(full);
    }

    private List<Integer> printedIds() {
        assertThat(out.toString().lines().count()).as("ids on one line").isEqualTo(1);
        return Arrays.stream(out.toString().strip().split(" ")).map(Integer::valueOf).toList();
    }

    @Test
    void rawIdsReproduceLlama2cGreedyGeneration() throws Exception {
        int exit = run("--model", model.toString(), "--prompt", "Once upon a time", "--max-tokens", "48",
                "--raw", "--ids", "--threads", "1");

        assertThat(exit).as(err.toString()).isZero();
        assertThat(printedIds()).isEqualTo(ExportedStories.referenceIds(ExportedStories.ONCE, 48));
    }

    @Test
    void emptyRawPromptStartsFromBosAlone() throws Exception {
        int exit = run("--model", model.toString(), "--prompt", "", "--max-tokens", "12", "--raw", "--ids");

        assertThat(exit).as(err.toString()).isZero();
        assertThat(printedIds()).isEqualTo(ExportedStories.referenceIds("empty", 12));
    }

    @Test
    void rawTextIsTheReferenceContinuation() throws Exception {
        int exit = run("--model", model.toString(), "--prompt", "Once upon a time", "--max-tokens", "30", "--raw");

        assertThat(exit).as(err.toString()).isZero();
        String text = out.toString();
        assertThat(text).endsWith(System.lineSeparator());
        String generated = text.substring(0, text.length() - System.lineSeparator().length());
        assertThat(generated).startsWith(", there was a little girl");
        assertThat(ExportedStories.reference(ExportedStories.ONCE).get("text").asText())
                .startsWith("Once upon a time" + generated);
    }

    @Test
    void seededSamplingRepeatsAndDiffersFromGreedy() throws Exception {
        String[] args = {"--model", model.toString(), "--prompt", "Once upon a time", "--max-tokens", "40", "--raw",
                "--ids", "--temperature", "1.0", "--seed", "7"};
        assertThat(run(args)).as(err.toString()).isZero();
        List<Integer> first = printedIds();
        out.getBuffer().setLength(0);
        assertThat(run(args)).as(err.toString()).isZero();

        assertThat(printedIds()).isEqualTo(first);
        assertThat(first).isNotEqualTo(ExportedStories.referenceIds(ExportedStories.ONCE, 40));
    }

    @Test
    void statsGoToStderr() {
        int exit = run("--model", model.toString(), "--prompt", "Lily", "--max-tokens", "5", "--raw", "--stats");

        assertThat(exit).as(err.toString()).isZero();
        assertThat(err.toString()).contains("5 generated").contains("stop: MAX_OUTPUT_TOKENS");
    }

    @Test
    void missingModelFolderIsExitOne() {
        int exit = run("--model", dir.resolve("absent").toString(), "--prompt", "x");

        assertThat(exit).isEqualTo(1);
        assertThat(err.toString()).contains("does not exist");
    }

    @Test
    void huggingFaceCheckpointSaysHowToExport() throws Exception {
        Path checkpoint = Files.createDirectories(dir.resolve("hf"));
        Files.writeString(checkpoint.resolve("config.json"), "{}");

        int exit = run("--model", checkpoint.toString(), "--prompt", "x");

        assertThat(exit).isEqualTo(1);
        assertThat(err.toString()).contains("Hugging Face checkpoint, not an exported model")
                .contains("titans4j-cli.jar export -i " + checkpoint);
    }

    @Test
    void folderWithoutManifestIsExitOne() throws Exception {
        Path empty = Files.createDirectories(dir.resolve("empty"));

        assertThat(run("--model", empty.toString(), "--prompt", "x")).isEqualTo(1);
        assertThat(err.toString()).contains("has no manifest.json");
    }

    @Test
    void promptLongerThanTheContextIsExitOne() {
        int exit = run("--model", model.toString(), "--prompt", "Lily ".repeat(600), "--raw");

        assertThat(exit).isEqualTo(1);
        assertThat(err.toString()).contains("context holds 512 tokens");
    }

    @Test
    void outOfRangeSettingsAreExitOne() {
        assertThat(run("--model", model.toString(), "--prompt", "x", "--temperature", "-1")).isEqualTo(1);
        assertThat(err.toString()).contains("temperature must be");
        assertThat(run("--model", model.toString(), "--prompt", "x", "--max-tokens", "0")).isEqualTo(1);
        assertThat(err.toString()).contains("--max-tokens must be at least 1");
    }

    @Test
    void aBlankSystemMessageIsNamedAsTheOptionItCameFrom() {
        assertThat(run("--model", model.toString(), "--prompt", "x", "--system", " ")).isEqualTo(1);
        assertThat(err.toString()).isEqualTo("error: --system is blank: give the system message, or leave the"
                + " option out" + System.lineSeparator());
    }

    @Test
    void cudaOnTheCpuOnlyBuildIsRefusedInOneLineNamingTheCudaBuild() {
        Assumptions.assumeFalse(OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA));
        assertThat(run("--model", model.toString(), "--prompt", "x", "--execution-provider", "cuda")).isEqualTo(1);
        assertThat(err.toString()).startsWith("error: The CUDA execution provider was requested but the ONNX Runtime"
                + " on the class path has none (it offers [CPU]): build with the Maven profile -Pcuda (mvn -Pcuda"
                + " package)").hasLineCount(1);
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void cpuIsTheDefaultAndAnUnknownProviderIsAUsageError() throws Exception {
        assertThat(run("--model", model.toString(), "--prompt", "Once upon a time", "--max-tokens", "8", "--raw",
                "--ids", "--execution-provider", "CPU")).as(err.toString()).isZero();
        assertThat(printedIds()).isEqualTo(ExportedStories.referenceIds(ExportedStories.ONCE, 8));
        assertThat(run("--model", model.toString(), "--prompt", "x", "--execution-provider", "tpu")).isEqualTo(2);
        assertThat(err.toString()).contains("Invalid value for option '--execution-provider': 'tpu' is not an"
                + " execution provider: cpu or cuda");
    }

    @Test
    void threadCountsBeyondTheMachineAreUsageErrors() {
        int max = ThreadsOption.MAX_PER_CORE * Runtime.getRuntime().availableProcessors();
        assertThat(run("--model", model.toString(), "--prompt", "x", "--threads", "100000")).isEqualTo(2);
        assertThat(err.toString()).contains("--threads must be between 0 (one per physical core) and " + max
                + " (4 per core of this machine), got 100000");
        assertThat(run("--model", model.toString(), "--prompt", "x", "--threads", "-1")).isEqualTo(2);
        assertThat(err.toString()).contains("got -1");
    }

    @Test
    void generationStopsOnceTheOutputCannotBeWritten() {
        int[] writes = {0};
        OutputStream full = new OutputStream() { // what a full disk or a closed pipe does to every write
            @Override
            public void write(int b) throws IOException {
                writes[0]++;
                throw new IOException("No space left on device");
            }
        };
        CommandLine cli = Titans4jCli.commandLine();
        cli.setOut(new PrintWriter(new PrintStream(full), true));
        cli.setErr(new PrintWriter(err, true));

        int exit = cli.execute("generate", "--model", model.toString(), "--prompt", "Once upon a time",
                "--max-tokens", "200", "--raw", "--stats");

        assertThat(exit).as("the exit code comes from the main's output check").isZero();
        assertThat(err.toString()).contains("stop: CANCELLED");
        assertThat(err.toString()).containsPattern(", [1-3] generated in");
    }

    @Test
    void usageErrorsAreExitTwo() {
        assertThat(run("--prompt", "x")).isEqualTo(2);
        assertThat(err.toString()).contains("Missing required option: '--model=DIR'");
    }
}
