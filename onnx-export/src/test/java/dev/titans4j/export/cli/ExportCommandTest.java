package dev.titans4j.export.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.titans4j.export.manifest.ModelManifest;
import dev.titans4j.export.testing.TinyCheckpoint;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ExportCommandTest {

    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cli = ExportCommand.commandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        return cli.execute(args);
    }

    @Test
    void helpListsOptionsAndExitCodes() {
        assertThat(run("--help")).isZero();
        assertThat(out.toString()).contains("--input", "--output", "--precision", "--no-svf", "--external-data",
                "--force", "Exit codes");
    }

    @Test
    void missingOutputIsAUsageError() {
        assertThat(run("--input", dir.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("Missing required option: '--output=OUT_DIR'");
    }

    @Test
    void unknownPrecisionIsAUsageError() {
        assertThat(run("--input", "a", "--output", "b", "--precision", "int8")).isEqualTo(2);
        assertThat(err.toString()).contains("--precision");
    }

    @Test
    void unsupportedInt4BlockSizeIsAUsageErrorNamingTheAllowedSizes() {
        assertThat(run("--input", "a", "--output", "b", "--precision", "int4", "--int4-block-size", "48"))
                .isEqualTo(2);
        assertThat(err.toString()).contains("--int4-block-size: int4 block size 48 is not supported; "
                + "allowed: 16, 32, 64, 128, 256");
    }

    @Test
    void int4BlockSizeWithAnotherPrecisionIsAUsageError() {
        assertThat(run("--input", "a", "--output", "b", "--int4-block-size", "64")).isEqualTo(2);
        assertThat(err.toString()).contains("--int4-block-size: an int4 block size (64) only applies to "
                + "precision int4, not fp32");
    }

    @Test
    void int4BlockSizeReachesTheGraphAndTheManifest() throws Exception {
        Path hf = TinyCheckpoint.llama().headDim(16).write(dir.resolve("hf"));
        Path target = dir.resolve("out");
        assertThat(run("-i", hf.toString(), "-o", target.toString(), "-p", "int4", "--int4-block-size", "128",
                "--quiet")).isZero();
        assertThat(out.toString()).contains("precision int4 (block 128)");
        assertThat(ModelManifest.read(target).int4BlockSize()).isEqualTo(128);
    }

    @Test
    void noPlainCompanionLeavesItOut() throws Exception {
        Path hf = TinyCheckpoint.llama().headDim(16).write(dir.resolve("hf"));
        Path target = dir.resolve("out");
        assertThat(run("-i", hf.toString(), "-o", target.toString(), "--no-plain-companion", "--quiet")).isZero();
        assertThat(out.toString()).doesNotContain("model-plain.onnx");
        assertThat(target.resolve("model-plain.onnx")).doesNotExist();
        assertThat(ModelManifest.read(target).plainCompanion()).isNull();
    }

    @Test
    void noPlainCompanionWithNoSvfIsAUsageError() {
        assertThat(run("--input", "a", "--output", "b", "--no-svf", "--no-plain-companion")).isEqualTo(2);
        assertThat(err.toString()).contains("--no-plain-companion: the plain companion setting only applies with "
                + "the Transformer² hook on");
    }

    @Test
    void folderWithoutConfigFailsWithOneClearLine() throws Exception {
        Path empty = Files.createDirectories(dir.resolve("empty"));
        assertThat(run("--input", empty.toString(), "--output", dir.resolve("out").toString(), "--quiet"))
                .isEqualTo(1);
        String message = err.toString().strip();
        assertThat(message).startsWith("error: ").contains("config.json").doesNotContain("\n")
                .doesNotContain("Exception");
        assertThat(dir.resolve("out")).doesNotExist();
    }

    @Test
    void missingInputFolderIsNamed() {
        Path missing = dir.resolve("no-such-model");
        assertThat(run("-i", missing.toString(), "-o", dir.resolve("out").toString(), "--quiet")).isEqualTo(1);
        assertThat(err.toString().strip()).isEqualTo("error: input folder not found: " + missing);
    }

    @Test
    void aFileGivenAsTheInputIsCalledAFileNotMissing() throws Exception {
        Path file = Files.writeString(dir.resolve("model.safetensors"), "x");
        assertThat(run("-i", file.toString(), "-o", dir.resolve("out").toString(), "--quiet")).isEqualTo(1);
        assertThat(err.toString().strip()).isEqualTo("error: input " + file + " is a file, not a Hugging Face"
                + " checkpoint folder (the folder that holds config.json and the weights)");
    }

    @Test
    void unsupportedArchitectureIsNamed() {
        Path hf = TinyCheckpoint.of("GPT2LMHeadModel").write(dir.resolve("gpt2"));
        assertThat(run("-i", hf.toString(), "-o", dir.resolve("out").toString(), "--quiet")).isEqualTo(1);
        assertThat(err.toString()).contains("GPT2LMHeadModel").contains("LlamaForCausalLM");
    }

    @Test
    void headDimensionOrtCannotRunIsRejectedUpFront() {
        Path hf = TinyCheckpoint.llama().headDim(12).write(dir.resolve("hf"));
        assertThat(run("-i", hf.toString(), "-o", dir.resolve("out").toString(), "--quiet")).isEqualTo(1);
        assertThat(err.toString()).contains("head_dim 12 is not supported").contains("multiple of 8");
    }

    @Test
    void mismatchedCheckpointIsRejectedBeforeAnythingIsWritten() {
        Path hf = TinyCheckpoint.llama().tensorShape("model.layers.1.mlp.up_proj.weight", 47, 32)
                .write(dir.resolve("hf"));
        assertThat(run("-i", hf.toString(), "-o", dir.resolve("out").toString(), "--quiet")).isEqualTo(1);
        assertThat(err.toString()).contains("model.layers.1.mlp.up_proj.weight");
        assertThat(dir.resolve("out")).doesNotExist();
    }

    @Test
    void truncatedWeightsAreRejectedBeforeAnythingIsWritten() throws Exception {
        Path hf = TinyCheckpoint.llama().write(dir.resolve("hf"));
        // valid header, data cut short
        Path weights = hf.resolve("model.safetensors");
        byte[] bytes = Files.readAllBytes(weights);
        Files.write(weights, java.util.Arrays.copyOf(bytes, bytes.length - 100));
        Path target = dir.resolve("out");
        assertThat(run("-i", hf.toString(), "-o", target.toString(), "--quiet")).isEqualTo(1);
        assertThat(err.toString()).startsWith("error: ").contains("model.safetensors");
        assertThat(target.resolve("model.onnx")).doesNotExist();
        assertThat(target.resolve("manifest.json")).doesNotExist();
    }

    @Test
    void anOutputFolderThatCannotBeCreatedSaysWhy() throws Exception {
        Path hf = TinyCheckpoint.llama().write(dir.resolve("hf"));
        Path file = Files.writeString(dir.resolve("a-file"), "x");
        assertThat(run("-i", hf.toString(), "-o", file.resolve("out").toString(), "--quiet")).isEqualTo(1);
        assertThat(err.toString()).isEqualTo("error: cannot create the output folder " + file.resolve("out") + ": " + file
                + ": already exists (and is not a folder?)" + System.lineSeparator());
        assertThat(err.toString().lines()).hasSize(1);
    }

    @Test
    void nonEmptyOutputNeedsForce() throws Exception {
        Path hf = TinyCheckpoint.llama().write(dir.resolve("hf"));
        Path target = Files.createDirectories(dir.resolve("out"));
        Files.writeString(target.resolve("keep.txt"), "mine");
        assertThat(run("-i", hf.toString(), "-o", target.toString(), "--quiet")).isEqualTo(1);
        assertThat(err.toString()).contains("not empty").contains("--force");
        assertThat(target.resolve("keep.txt")).hasContent("mine");

        assertThat(run("-i", hf.toString(), "-o", target.toString(), "--quiet", "--force")).isZero();
        assertThat(target.resolve("model.onnx")).exists();
    }

    @Test
    void successfulExportPrintsProgressAndSummary() throws Exception {
        Path hf = TinyCheckpoint.qwen2().headDim(16).write(dir.resolve("hf"));
        Path target = dir.resolve("out");
        assertThat(run("--input", hf.toString(), "--output", target.toString(), "--precision", "INT4",
                "--external-data")).isZero();
        assertThat(err.toString()).contains("tensors").contains("MB").contains("[##");
        assertThat(out.toString()).contains("Exported Qwen2ForCausalLM").contains("precision int4")
                .contains("model.onnx.data").contains("manifest.json").contains("svf.safetensors")
                .contains("Transformer² hook: 6 matrices (factorised)").contains("parameters")
                .contains("model-plain.onnx.data");
        assertThat(err.toString()).contains("writing model-plain.onnx + model-plain.onnx.data");
        ModelManifest manifest = ModelManifest.read(target);
        assertThat(manifest.files().externalData()).isEqualTo("model.onnx.data");
        assertThat(manifest.precision()).isEqualTo(ModelManifest.Precision.int4);
        assertThat(manifest.chatFormat()).isEqualTo("plain");
    }

    @Test
    void progressBarRendering() {
        assertThat(ProgressBar.render(12, 32, 45_100_000, 120_300_000))
                .isEqualTo("[###########...................] 12/32 tensors 45.1/120.3 MB");
    }
}
