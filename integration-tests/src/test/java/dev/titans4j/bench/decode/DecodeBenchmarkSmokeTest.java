package dev.titans4j.bench.decode;

import static org.assertj.core.api.Assertions.assertThat;

import dev.titans4j.export.manifest.ModelManifest.Precision;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The benchmark's plumbing on the tiny shape (seconds): checkpoint, export, timing, table. Not its figures. */
class DecodeBenchmarkSmokeTest {

    @Test
    void tinyShapeRunsEndToEndAndReportsEveryRow(@TempDir Path work) {
        DecodeBenchmark bench = new DecodeBenchmark();
        ByteArrayOutputStream table = new ByteArrayOutputStream();
        bench.out = new PrintStream(table, true, StandardCharsets.UTF_8);
        bench.log = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);

        int exit = new CommandLine(bench).setCaseInsensitiveEnumValuesAllowed(true).execute("--work", work.toString(),
                "--shapes", "tinyA", "--precisions", "fp32", "--threads", "1", "--prompt", "16", "--decode", "8",
                "--runs", "1", "--bandwidth-mb", "64", "--tokenizer", work.resolve("none").toString(), "--llama-cpp",
                work.resolve("no-llama").toString());

        assertThat(exit).isZero();
        String text = table.toString(StandardCharsets.UTF_8);
        assertThat(text).contains("tinyA  fp32    1 llama.cpp F32                  not run: no node-llama-cpp under "
                + work.resolve("no-llama") + " (npm install --prefix " + work.resolve("no-llama"));
        assertThat(text).containsPattern("llama.cpp F16\\s+not run: no node-llama-cpp");
        assertThat(text).containsPattern("read bandwidth \\(vector probe, fastest\\) 1 thr \\d+\\.\\d GB/s"
                + " \\(old scalar probe, median: 1 thr \\d+\\.\\d GB/s\\)");
        assertThat(text).containsPattern("tinyA\\s+fp32\\s+1 titans4j\\s+\\d+\\.\\d\\s+\\d+\\.\\d\\d");
        assertThat(text).containsPattern("tinyA\\s+fp32\\s+1 titans4j --no-svf\\s+\\d+");
        assertThat(text).containsPattern("tinyA\\s+fp32\\s+1 titans4j \\+svf\\s+\\d+\\.\\d\\s+\\d+\\.\\d\\d");
        assertThat(text).containsPattern("Jlama\\s+not run \\(no --jlama-java\\)");
        assertThat(text).containsPattern("tinyA fp32 1 thr: decode \\d+\\.\\d\\dx, prefill \\d+\\.\\d\\dx the plain graph");
    }

    /** Each int4 block size gets its exports (block 32 under the old names) and its labelled, target-checked rows. */
    @Test
    void int4BlockSizesAreExportedAndTimedSeparately(@TempDir Path work) throws Exception {
        DecodeBenchmark bench = new DecodeBenchmark();
        ByteArrayOutputStream table = new ByteArrayOutputStream();
        bench.out = new PrintStream(table, true, StandardCharsets.UTF_8);
        bench.log = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);

        int exit = new CommandLine(bench).setCaseInsensitiveEnumValuesAllowed(true).execute("--work", work.toString(),
                "--shapes", "tinyB", "--precisions", "int4", "--int4-block-sizes", "32,64", "--threads", "2",
                "--prompt", "8", "--decode", "4", "--runs", "1", "--bandwidth-mb", "16", "--tokenizer",
                work.resolve("none").toString());

        assertThat(exit).isZero();
        for (String dir : new String[] {"int4", "int4-plain", "int4-b64", "int4-b64-plain"}) {
            assertThat(work.resolve("tinyB").resolve(dir).resolve("manifest.json")).as(dir).isRegularFile();
        }
        assertThat(dev.titans4j.export.manifest.ModelManifest.read(work.resolve("tinyB/int4-b64-plain"))
                .int4BlockSize()).isEqualTo(64);
        assertThat(dev.titans4j.export.manifest.ModelManifest.read(work.resolve("tinyB/int4")).int4BlockSize())
                .isEqualTo(32);
        String text = table.toString(StandardCharsets.UTF_8);
        assertThat(text).containsPattern("tinyB\\s+int4\\s+2 titans4j\\s+\\d+\\.\\d");
        assertThat(text).containsPattern("tinyB\\s+int4\\s+2 titans4j b64\\s+\\d+\\.\\d");
        assertThat(text).containsPattern("tinyB\\s+int4\\s+2 titans4j --no-svf b64\\s+\\d+\\.\\d");
        // the plain-graph comparison pairs each block with its own plain export
        assertThat(text).containsPattern("tinyB int4 2 thr: decode \\d+\\.\\d\\dx, prefill");
        assertThat(text).containsPattern("tinyB int4 2 thr b64: decode \\d+\\.\\d\\dx, prefill");
        assertThat(text).containsPattern("tinyB\\s+int4\\s+2 titans4j \\+svf b64\\s+\\d+\\.\\d");
    }

    /** MB/tok of a row counts the graph it ran: the companion without multipliers, model.onnx with them. */
    @Test
    void weightBytesPerTokenCountTheGraphTheRowRan(@TempDir Path work) throws Exception {
        Path hf = RandomCheckpoint.ensure(ModelShape.named("tinyB"), work.resolve("hf"), null, 42);
        Path export = work.resolve("svf");
        dev.titans4j.export.OnnxExporter.builder().options(dev.titans4j.export.ExportOptions.builder()
                .externalData(true).build()).build().export(hf, export);
        ModelShape shape = ModelShape.named("tinyB");
        long embedding = shape.tied() ? 0 : shape.embeddingBytes(); // tied fp32: the table is the LM head too
        long plainFiles = java.nio.file.Files.size(export.resolve("model-plain.onnx"))
                + java.nio.file.Files.size(export.resolve("model-plain.onnx.data"));
        long svfFiles = java.nio.file.Files.size(export.resolve("model.onnx"))
                + java.nio.file.Files.size(export.resolve("model.onnx.data"));
        assertThat(DecodeBenchmark.weightBytesPerToken(shape, Precision.fp32, export, false))
                .isEqualTo(plainFiles - embedding);
        assertThat(DecodeBenchmark.weightBytesPerToken(shape, Precision.fp32, export, true))
                .isEqualTo(svfFiles - embedding);
    }

    /** A cached default export from before the plain companion existed is exported again, and the log says so. */
    @Test
    void cachedExportWithoutCompanionIsExportedAgain(@TempDir Path work) throws Exception {
        Path hf = RandomCheckpoint.ensure(ModelShape.named("tinyA"), work.resolve("tinyA").resolve("hf"), null, 42);
        Path cached = work.resolve("tinyA").resolve("fp32");
        dev.titans4j.export.OnnxExporter.builder().options(dev.titans4j.export.ExportOptions.builder()
                .plainCompanion(false).build()).build().export(hf, cached);
        DecodeBenchmark bench = new DecodeBenchmark();
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        bench.out = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        bench.log = new PrintStream(log, true, StandardCharsets.UTF_8);

        int exit = new CommandLine(bench).setCaseInsensitiveEnumValuesAllowed(true).execute("--work", work.toString(),
                "--shapes", "tinyA", "--precisions", "fp32", "--prepare-only", "--skip-plain", "--tokenizer",
                work.resolve("none").toString());

        assertThat(exit).isZero();
        assertThat(log.toString(StandardCharsets.UTF_8)).contains("has no plain companion model-plain.onnx");
        assertThat(dev.titans4j.export.manifest.ModelManifest.read(cached).plainCompanion().model())
                .isEqualTo("model-plain.onnx");
    }

    @Test
    void unsupportedInt4BlockSizeIsAUsageError() {
        DecodeBenchmark bench = new DecodeBenchmark();
        java.io.StringWriter err = new java.io.StringWriter();
        CommandLine cli = new CommandLine(bench).setErr(new java.io.PrintWriter(err));
        assertThat(cli.execute("--int4-block-sizes", "32,48")).isEqualTo(2);
        assertThat(err.toString()).contains("int4 block size 48 is not supported; allowed: 16, 32, 64, 128, 256");
    }

    @Test
    void weightBytesPerTokenLeaveOutAnEmbeddingTableOnlyGathered() {
        // tied fp32: the table is the LM head as well; otherwise one row per token is all a Gather reads
        assertThat(DecodeBenchmark.jlamaBytesPerToken(ModelShape.A, Precision.fp32))
                .isEqualTo(4 * ModelShape.A.matmulParameters());
        long head = (long) ModelShape.B.vocab() * ModelShape.B.hidden();
        assertThat(DecodeBenchmark.jlamaBytesPerToken(ModelShape.B, Precision.int4))
                .isEqualTo((long) (ModelShape.B.matmulParameters() * 0.625));
        assertThat(ModelShape.A.matmulParameters()).isEqualTo(30L * (576 * 576 * 2 + 2 * 576 * 192
                + 3 * 576 * 1536) + 49152L * 576);
        assertThat(head).isEqualTo(28_672_000L);
    }
}
