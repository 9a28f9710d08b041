package dev.titans4j.bench.decode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.titans4j.export.ExportOptions;
import dev.titans4j.export.OnnxExporter;
import dev.titans4j.t2.engine.DecoderSession;
import dev.titans4j.t2.engine.EngineOptions;
import dev.titans4j.t2.engine.OnnxModel;
import dev.titans4j.t2.engine.TokenSelector;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * The GGUF files compute the checkpoint's function: llama.cpp's greedy tokens on the F32 file equal titans4j's
 * fp32 greedy tokens for the same prompt, on the llama shape (q/k rows permuted for llama.cpp's rope) and the
 * qwen2 shape (biases, no permutation). Skipped where node-llama-cpp is not installed (see README).
 */
class DecodeLlamaCppPeerTest {

    /** Random prompts: random-weight models soon repeat one token, so many short continuations tell more. */
    private static final int[][] PROMPTS = new java.util.SplittableRandom(11).ints(16, 1, 13)
            .mapToObj(n -> new java.util.SplittableRandom(n * 31L).ints(n, 3, 512).toArray()).toArray(int[][]::new);
    private static final int NEW_TOKENS = 8;

    @ParameterizedTest
    @ValueSource(strings = {"tinyA", "tinyB"})
    void llamaCppGreedyTokensOnTheF32FileEqualTitans4jFp32(String shapeName, @TempDir Path work) throws Exception {
        Path install = LlamaCppPeer.defaultInstallDir();
        Optional<String> missing = LlamaCppPeer.missing(install);
        assumeTrue(missing.isEmpty(), () -> "llama.cpp not installed: " + missing.orElse(""));
        ModelShape shape = ModelShape.named(shapeName);
        Path hf = RandomCheckpoint.ensure(shape, work.resolve("hf"), null, 42);
        Path export = work.resolve("fp32");
        OnnxExporter.builder().options(ExportOptions.builder().svf(false).build()).build().export(hf, export);
        Path gguf = GgufCheckpoint.ensure(shape, hf, work, GgmlType.F32);
        ByteArrayOutputStream log = new ByteArrayOutputStream();

        int[][] llamaCpp = new LlamaCppPeer(Path.of("node"), install, new PrintStream(log, true,
                StandardCharsets.UTF_8)).greedy(gguf, 1, PROMPTS, NEW_TOKENS);

        int[][] titans4j = titans4jGreedy(export);
        for (int p = 0; p < PROMPTS.length; p++) {
            assertThat(llamaCpp[p]).as("prompt %s; %s", java.util.Arrays.toString(PROMPTS[p]),
                    log.toString(StandardCharsets.UTF_8)).containsExactly(titans4j[p]);
        }
        // not one answer for every prompt: the prompts' tokens matter
        assertThat(java.util.Arrays.stream(titans4j).map(t -> t[0]).distinct().count()).isGreaterThan(4);
    }

    /** With node-llama-cpp installed, the benchmark times llama.cpp on each file and compares titans4j with it. */
    @org.junit.jupiter.api.Test
    void benchmarkTimesLlamaCppBesideTitans4j(@TempDir Path work) {
        Optional<String> missing = LlamaCppPeer.missing(LlamaCppPeer.defaultInstallDir());
        assumeTrue(missing.isEmpty(), () -> "llama.cpp not installed: " + missing.orElse(""));
        DecodeBenchmark bench = new DecodeBenchmark();
        ByteArrayOutputStream table = new ByteArrayOutputStream();
        bench.out = new PrintStream(table, true, StandardCharsets.UTF_8);
        bench.log = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);

        int exit = new picocli.CommandLine(bench).setCaseInsensitiveEnumValuesAllowed(true).execute("--work",
                work.toString(), "--shapes", "tinyB", "--threads", "2", "--prompt", "16", "--decode", "8", "--runs",
                "1", "--bandwidth-mb", "64", "--skip-plain", "--tokenizer", work.resolve("none").toString());

        assertThat(exit).isZero();
        String text = table.toString(StandardCharsets.UTF_8);
        for (String row : new String[] {"fp32\\s+2 llama.cpp F32", "fp32\\s+2 llama.cpp F16",
                "int4\\s+2 llama.cpp Q4_0", "int4\\s+2 llama.cpp Q8_0"}) {
            assertThat(text).containsPattern("tinyB\\s+" + row + "\\s+\\d+\\.\\d\\s+\\d+\\.\\d\\d");
        }
        assertThat(text).containsPattern("tinyB\\s+int4\\s+2 titans4j\\s+(\\S+\\s+){6}\\d+\\.\\d\\dx");
        assertThat(text).containsPattern("tinyB int4 titans4j\\s+decode \\d+\\.\\d\\dx llama.cpp Q4_0"
                + " \\(target >= 1\\)");
        assertThat(text).containsPattern("tinyB fp32 titans4j\\s+prefill \\d+\\.\\d\\dx llama.cpp F32"
                + " \\(target >= 1\\)");
        assertThat(work.resolve("tinyB/gguf/model-q8_0.gguf")).isRegularFile();
    }

    private static int[][] titans4jGreedy(Path export) {
        TokenSelector greedy = TokenSelector.greedy();
        try (OnnxModel model = OnnxModel.load(export, EngineOptions.defaults().withIntraOpThreads(1))) {
            int[][] all = new int[PROMPTS.length][];
            for (int p = 0; p < PROMPTS.length; p++) {
                try (DecoderSession session = model.newSession(java.util.Map.of())) {
                    int[] tokens = new int[NEW_TOKENS];
                    tokens[0] = greedy.select(session.prefill(PROMPTS[p]));
                    for (int i = 1; i < NEW_TOKENS; i++) {
                        tokens[i] = greedy.select(session.decode(tokens[i - 1]));
                    }
                    all[p] = tokens;
                }
            }
            return all;
        }
    }
}
