package dev.titans4j.t2.engine;

import dev.titans4j.export.ExportOptions;
import dev.titans4j.export.OnnxExporter;
import dev.titans4j.export.testing.TinyCheckpoint;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * What the prefix KV cache's copies and chunked prefill cost (issue 14); not part of the build. The conversations
 * (a 20-turn chat and a 3-round tool loop through the cache) moved to the CLI's {@code serve-bench}
 * ({@code dev.titans4j.bench.serve} in integration-tests), which runs them on the same shape. Run from the
 * repository root:
 * <pre>
 * mvn -o -q -pl langchain4j-t2 -am test -Dtest=PrefixCacheBenchmark -Dsurefire.failIfNoSpecifiedTests=false
 * </pre>
 * On a random-weight checkpoint of the decode benchmark's shape A (SmolLM2-135M-like: hidden 576, intermediate
 * 1536, 30 layers, 9 heads, 3 KV heads, vocab 49152, tied, rope_theta 100000), exported fp32 without the SVF graph
 * into {@code langchain4j-t2/target/prefix-bench} (kept for the next run), 2 intra-op threads: what the cache's
 * copies cost for a 2,526-position sequence (the chat's last), and prefill speed of a 1,500-token prompt by chunk
 * size (sizes interleaved, median of 5). {@code -Dspinning=false} sleeps ONNX Runtime's idle threads (for a busy
 * machine). Token ids are random: the model's speed does not depend on them.
 */
class PrefixCacheBenchmark {

    private static final int SYSTEM_TOKENS = 1500;
    private static final int CHAT_POSITIONS = SYSTEM_TOKENS + 19 * (24 + 30);
    private static final int CONTEXT = 4096;
    private static final int THREADS = 2;

    @Test
    void copiesAndPrefillChunksOnShapeA() throws IOException {
        Path model = shapeA(Path.of("target", "prefix-bench").toAbsolutePath());
        int[] system = new Random(14).ints(SYSTEM_TOKENS, 3, 49152).toArray();
        EngineOptions options = EngineOptions.defaults().withIntraOpThreads(THREADS).withMaxContextLength(CONTEXT)
                .withIntraOpSpinning(Boolean.parseBoolean(System.getProperty("spinning", "true")));
        System.out.printf(Locale.ROOT, "Prefix cache benchmark: shape A fp32 (plain graph), %d threads, spinning %s,"
                + " load average %.2f%n", THREADS, options.intraOpSpinning(), loadAverage());
        try (OnnxModel on = OnnxModel.load(model, options)) {
            copyCost(on, CHAT_POSITIONS);
        }
        try (OnnxModel onnx = OnnxModel.load(model, options.withPrefixCacheBytes(0))) {
            prefillByChunk(onnx, system);
        }
    }

    /** Prefill speed of {@code prompt} by chunk size, the sizes interleaved in each of 5 rounds (medians). */
    private static void prefillByChunk(OnnxModel onnx, int[] prompt) {
        int[] chunks = {0, 64, 128, 256, 512};
        double[][] seconds = new double[chunks.length][5];
        for (int round = 0; round < 5; round++) {
            for (int c = 0; c < chunks.length; c++) {
                long start = System.nanoTime();
                try (DecoderSession session = onnx.newSession()) {
                    int step = chunks[c] == 0 ? prompt.length : chunks[c];
                    for (int from = 0; from < prompt.length; from += step) {
                        session.prefill(Arrays.copyOfRange(prompt, from, Math.min(prompt.length, from + step)));
                    }
                }
                seconds[c][round] = (System.nanoTime() - start) / 1e9;
            }
        }
        System.out.println("Prefill of the " + prompt.length
                + "-token prompt by chunk size (interleaved, median of 5):");
        for (int c = 0; c < chunks.length; c++) {
            System.out.printf(Locale.ROOT, "  chunk %-5s %7.1f tok/s  (%.2f s)%n", chunks[c] == 0 ? "whole" : chunks[c],
                    prompt.length / median(seconds[c]), median(seconds[c]));
        }
    }

    /** Times copying a sequence of {@code positions} into a snapshot (keep) and back into a cache (reuse). */
    private static void copyCost(OnnxModel model, int positions) {
        double[] out = new double[5];
        double[] in = new double[5];
        try (DecoderSession session = model.newSession()) {
            int[] tokens = new Random(1).ints(positions, 3, 49152).toArray();
            session.prefill(tokens);
            KvCache cache = session.kvCache();
            KvSnapshot snapshot = null;
            for (int i = 0; i < out.length; i++) {
                long start = System.nanoTime();
                snapshot = KvSnapshot.of(cache);
                out[i] = (System.nanoTime() - start) / 1e6;
            }
            session.reset();
            for (int i = 0; i < in.length; i++) {
                long start = System.nanoTime();
                snapshot.restoreInto(cache, positions);
                in[i] = (System.nanoTime() - start) / 1e6;
                session.reset();
            }
            System.out.printf(Locale.ROOT, "Copies of a %d-position sequence (%.0f MB): keep %.1f ms, reuse %.1f ms"
                    + " (median of 5)%n", positions, snapshot.bytes() / 1e6, median(out), median(in));
        }
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    private static double loadAverage() {
        return java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }

    /** The shape-A checkpoint and its plain fp32 export, written once under {@code dir}. */
    private static Path shapeA(Path dir) throws IOException {
        Path onnx = dir.resolve("shapeA-fp32");
        if (Files.isRegularFile(onnx.resolve("manifest.json"))) {
            return onnx;
        }
        Path hf = TinyCheckpoint.llama().hidden(576).intermediate(1536).layers(30).heads(9).kvHeads(3).vocab(49152)
                .tied(true).ropeTheta(100000).maxPositions(CONTEXT).seed(14).write(dir.resolve("shapeA-hf"));
        OnnxExporter.builder().options(ExportOptions.builder().svf(false).build()).build().export(hf, onnx);
        return onnx;
    }
}
