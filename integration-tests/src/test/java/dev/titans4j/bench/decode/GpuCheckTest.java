package dev.titans4j.bench.decode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtProvider;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** gpu-check's logic without a GPU: the dry run on the tiny shape, the agreement rule, the bandwidth table. */
class GpuCheckTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream log = new ByteArrayOutputStream();

    private int run(String... args) {
        GpuCheck check = new GpuCheck();
        check.out = new PrintStream(out, true, StandardCharsets.UTF_8);
        check.log = new PrintStream(log, true, StandardCharsets.UTF_8);
        return new CommandLine(check).execute(args);
    }

    private JsonNode lastLine() throws Exception {
        List<String> lines = out.toString(StandardCharsets.UTF_8).lines().toList();
        return new ObjectMapper().readTree(lines.get(lines.size() - 1));
    }

    @Test
    void dryRunExportsFp16ComparesEveryPositionAndTimes(@TempDir Path work) throws Exception {
        int exit = run("--dry-run-cpu", "--work", work.toString(), "--shape", "tinyB", "--compare-tokens", "12",
                "--prompt", "16", "--decode", "8", "--runs", "1", "--threads", "1", "--gpu-name",
                "NVIDIA H100 80GB HBM3");

        assertThat(exit).as(log.toString(StandardCharsets.UTF_8)).isZero();
        assertThat(work.resolve("tinyB/fp16/manifest.json")).isRegularFile();
        JsonNode json = lastLine();
        assertThat(json.get("device").asText()).isEqualTo("CPU");
        assertThat(json.get("dry_run_cpu").asBoolean()).isTrue();
        JsonNode greedy = json.get("greedy");
        // the same computation on both sides: every position agrees exactly, bit for bit
        assertThat(greedy.get("positions").asInt()).isEqualTo(12);
        assertThat(greedy.get("exact").asInt()).isEqualTo(12);
        assertThat(greedy.get("max_abs_logit_diff").asDouble()).isZero();
        assertThat(greedy.get("agrees").asBoolean()).isTrue();
        assertThat(json.get("decode_tok_s").asDouble()).isPositive();
        assertThat(json.get("prefill_tok_s").asDouble()).isPositive();
        ModelShape tiny = ModelShape.TINY_B;
        assertThat(json.get("weight_bytes_per_token").asLong()).isEqualTo(2 * tiny.matmulParameters());
        // capacity max(16, 8) + 16 = 32 positions, 2 layers, 2 KV heads of 16: in and out, keys and values, fp16
        assertThat(json.get("kv_bytes_copied_per_step").asLong()).isEqualTo(2L * 2 * 2 * 2 * 32 * 16 * 2);
        assertThat(json.get("bandwidth_gbs").asInt()).isEqualTo(3350);
        assertThat(json.get("decode_share_of_bound").asDouble()).isEqualTo(
                json.get("decode_tok_s").asDouble() * 2 * tiny.matmulParameters() / 3350e9, within(1e-4));
    }

    @Test
    void withoutTheCudaBuildTheDeviceSideFailsInOneLineNamingIt(@TempDir Path work) {
        Assumptions.assumeFalse(OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA));
        int exit = run("--work", work.toString(), "--shape", "tinyB", "--compare-tokens", "4", "--prompt", "8",
                "--decode", "4", "--runs", "1", "--threads", "1");

        assertThat(exit).isEqualTo(2);
        String text = log.toString(StandardCharsets.UTF_8);
        assertThat(text).contains("\ngpu-check: The CUDA execution provider was requested but the ONNX Runtime on the"
                + " class path has none (it offers [CPU]): build with the Maven profile -Pcuda");
        assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
    }

    @Test
    void aDifferentChoiceAgreesOnlyWhenItIsANearTieInTheReference() {
        GreedyAgreement agreement = new GreedyAgreement();
        agreement.add(new float[] {0f, 10f, 9.95f}, new float[] {0f, 9.9f, 10f}); // gap 0.05 <= 1% of 10
        agreement.add(new float[] {0f, 10f, 5f}, new float[] {0f, 10f, 5f});
        assertThat(agreement.agrees()).isTrue();
        assertThat(agreement.exact()).isEqualTo(1);
        assertThat(agreement.nearTies()).isEqualTo(1);

        agreement.add(new float[] {0f, 10f, 9.8f}, new float[] {0f, 9.7f, 9.9f}); // gap 0.2 > 0.1
        assertThat(agreement.agrees()).isFalse();
        assertThat(agreement.describe()).isEqualTo("2/3 positions agree (1 exact, 1 near-ties); max |logit"
                + " difference| 0.3000; first disagreement at position 2: reference token 1 (logit 10.0000),"
                + " device token 2 (reference logit 9.8000)");
    }

    @Test
    void boundsComeFromTheNameNvidiaSmiPrints() {
        assertThat(GpuBandwidth.ofName("NVIDIA H100 80GB HBM3")).hasValue(3350);
        assertThat(GpuBandwidth.ofName("NVIDIA H200")).hasValue(4800);
        assertThat(GpuBandwidth.ofName("NVIDIA H100 PCIe")).hasValue(2000);
        assertThat(GpuBandwidth.ofName("NVIDIA GeForce RTX 4090")).isEmpty();
    }
}
