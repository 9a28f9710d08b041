package dev.titans4j.t2.engine;

import dev.titans4j.export.ExportOptions;
import dev.titans4j.export.OnnxExporter;
import dev.titans4j.export.manifest.ModelManifest.Precision;
import dev.titans4j.export.testing.TinyCheckpoint;
import dev.titans4j.t2.tokenizer.ModelTokenizer;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Aggregate decode speed of concurrent requests with batched decoding (issue 14); not part of the build. Run from
 * the repository root:
 * <pre>
 * mvn -o -q -pl langchain4j-t2 -am test -Dtest=BatchDecodeBenchmark -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Dshapes=A -Dprecisions=fp32,int4 -Druns=5 -Dspinning=false
 * </pre>
 * On random-weight checkpoints of the decode benchmark's shapes (A: SmolLM2-135M-like, hidden 576, 30 layers, 9/3
 * heads, vocab 49152, tied; B: Qwen2.5-0.5B-like, hidden 896, 24 layers, 14/2 heads, vocab 32000, untied), exported
 * without the SVF graph into {@code langchain4j-t2/target/batch-bench} (kept for the next run), 2 intra-op threads,
 * greedy, random 64-token prompts (different per stream), {@code -Ddecode=N} (default 64) tokens decoded per stream.
 * Per run, interleaved: one stream with batching off ({@code maxBatchSize 1}: the decode path before batching), one
 * stream with batching on, 4 concurrent streams with batching on, and 4 with it off. A figure is the decoded tokens
 * of all streams over the time from the moment every stream has its prompt prefilled to the last one's end (the
 * streams wait for each other after prefill), so it is decode throughput; medians over the runs. Then one stream on
 * against off in {@code -Dpairs=N} (default 10) back-to-back pairs, the median of the per-pair ratios (the check
 * that a lone request is no slower than before batching existed).
 */
class BatchDecodeBenchmark {

    private static final int PROMPT = 64;
    private static final int THREADS = 2;

    @Test
    void oneVersusFourStreams() throws Exception {
        int runs = Integer.getInteger("runs", 5);
        int decode = Integer.getInteger("decode", 64);
        boolean spinning = Boolean.parseBoolean(System.getProperty("spinning", "true"));
        Path dir = Path.of("target", "batch-bench").toAbsolutePath();
        for (String shape : System.getProperty("shapes", "A").split(",")) {
            for (String precision : System.getProperty("precisions", "fp32,int4").split(",")) {
                Path model = export(dir, shape, Precision.valueOf(precision));
                EngineOptions options = EngineOptions.defaults().withIntraOpThreads(THREADS)
                        .withIntraOpSpinning(spinning).withMaxContextLength(PROMPT + decode + 16)
                        .withPrefixCacheBytes(0);
                System.out.printf(Locale.ROOT, "Batch decode benchmark: shape %s %s, %d threads, spinning %s, %d"
                                + " decode tokens per stream, medians of %d runs, load average %.2f%n", shape,
                        precision, THREADS, spinning, decode, runs, loadAverage());
                try (OnnxModel off = OnnxModel.load(model, options.withMaxBatchSize(1));
                     OnnxModel on = OnnxModel.load(model, options);
                     ModelTokenizer tokenizer = ModelTokenizer.load(model, on.manifest())) {
                    Map<String, double[]> figures = new LinkedHashMap<>();
                    streams(off, tokenizer, 1, 4, 0); // warm-up: arenas, page cache
                    streams(on, tokenizer, 4, 4, 0);
                    for (int r = 0; r < runs; r++) {
                        record(figures, "1 stream, batching off", r, runs, streams(off, tokenizer, 1, decode, r));
                        record(figures, "1 stream, batching on", r, runs, streams(on, tokenizer, 1, decode, r));
                        record(figures, "4 streams, batching on", r, runs, streams(on, tokenizer, 4, decode, r));
                        record(figures, "4 streams, batching off", r, runs, streams(off, tokenizer, 4, decode, r));
                    }
                    Map<String, Double> medians = new LinkedHashMap<>();
                    figures.forEach((name, values) -> {
                        medians.put(name, median(values));
                        System.out.printf(Locale.ROOT, "  %-26s %7.1f tok/s aggregate (runs %s)%n", name,
                                median(values), format(values));
                    });
                    double one = medians.get("1 stream, batching on");
                    System.out.printf(Locale.ROOT, "  4 streams batched / 1 stream: %.2fx; 1 stream batching on / off:"
                                    + " %.2fx; 4 streams on / off: %.2fx; largest step %d requests; load average %.2f%n",
                            medians.get("4 streams, batching on") / one, one / medians.get("1 stream, batching off"),
                            medians.get("4 streams, batching on") / medians.get("4 streams, batching off"),
                            on.batches().largestStep(), loadAverage());
                    int pairs = Integer.getInteger("pairs", 10);
                    if (pairs > 0) {
                        singleStreamPairs(off, on, tokenizer, pairs, decode);
                    }
                }
            }
        }
    }

    /**
     * One stream with batching on against off in {@code pairs} back-to-back pairs (order alternating), so load that
     * drifts over the run hits both sides of a pair alike: the median of the per-pair ratios.
     */
    private static void singleStreamPairs(OnnxModel off, OnnxModel on, ModelTokenizer tokenizer, int pairs,
                                          int decode) throws Exception {
        double[] ratios = new double[pairs];
        double[] offs = new double[pairs];
        double[] ons = new double[pairs];
        for (int p = 0; p < pairs; p++) {
            if (p % 2 == 0) {
                offs[p] = streams(off, tokenizer, 1, decode, 100 + p);
                ons[p] = streams(on, tokenizer, 1, decode, 100 + p);
            } else {
                ons[p] = streams(on, tokenizer, 1, decode, 100 + p);
                offs[p] = streams(off, tokenizer, 1, decode, 100 + p);
            }
            ratios[p] = ons[p] / offs[p];
        }
        System.out.printf(Locale.ROOT, "  1 stream in %d alternating pairs: batching off %.1f tok/s, on %.1f tok/s"
                        + " (medians); on / off per pair: median %.3fx (pairs %s); load average %.2f%n", pairs,
                median(offs), median(ons), median(ratios), format(ratios), loadAverage());
    }

    private static void record(Map<String, double[]> figures, String name, int run, int runs, double value) {
        figures.computeIfAbsent(name, k -> new double[runs])[run] = value;
    }

    /** Aggregate decode tok/s of {@code count} concurrent greedy requests of {@code decode} decoded tokens each. */
    private static double streams(OnnxModel model, ModelTokenizer tokenizer, int count, int decode, int run)
            throws Exception {
        CountDownLatch prefilled = new CountDownLatch(count);
        long[] start = new long[1];
        ExecutorService pool = Executors.newFixedThreadPool(count);
        try {
            List<Future<GenerationResult>> futures = new ArrayList<>();
            for (int s = 0; s < count; s++) {
                int[] prompt = new SplittableRandom(run * 31L + s).ints(PROMPT, 3, model.vocabSize()).toArray();
                TokenSelector greedy = TokenSelector.greedy();
                TokenSelector gated = new TokenSelector() {
                    boolean first = true;

                    @Override
                    public int select(float[] logits) {
                        if (first) {
                            first = false;
                            prefilled.countDown();
                            try {
                                prefilled.await();
                            } catch (InterruptedException e) {
                                throw new IllegalStateException(e);
                            }
                            synchronized (start) {
                                if (start[0] == 0) {
                                    start[0] = System.nanoTime();
                                }
                            }
                        }
                        return greedy.select(logits);
                    }
                };
                // decode + 1 outputs: the first comes from the prefill's logits, then decode model runs
                futures.add(pool.submit(() -> new Generator(model, tokenizer).generate(new GenerationRequest(prompt,
                        decode + 1, Set.of(), List.of()), gated, piece -> { }, () -> false)));
            }
            for (Future<GenerationResult> f : futures) {
                f.get(30, TimeUnit.MINUTES);
            }
            long end = System.nanoTime();
            return (double) count * decode / ((end - start[0]) / 1e9);
        } finally {
            pool.shutdownNow();
        }
    }

    private static Path export(Path dir, String shape, Precision precision) throws IOException {
        Path onnx = dir.resolve("shape" + shape + "-" + precision);
        if (Files.isRegularFile(onnx.resolve("manifest.json"))) {
            return onnx;
        }
        Path hf = dir.resolve("shape" + shape + "-hf");
        if (!Files.isRegularFile(hf.resolve("config.json"))) {
            TinyCheckpoint checkpoint = switch (shape) {
                case "A" -> TinyCheckpoint.llama().hidden(576).intermediate(1536).layers(30).heads(9).kvHeads(3)
                        .vocab(49152).tied(true).ropeTheta(100000);
                case "B" -> TinyCheckpoint.qwen2().hidden(896).intermediate(4864).layers(24).heads(14).kvHeads(2)
                        .vocab(32000).tied(false).ropeTheta(1000000);
                default -> throw new IllegalArgumentException("Unknown shape " + shape + " (A or B)");
            };
            checkpoint.maxPositions(2048).seed(14).write(hf);
        }
        OnnxExporter.builder().options(ExportOptions.builder().svf(false).precision(precision).build()).build()
                .export(hf, onnx);
        return onnx;
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted.length % 2 == 1 ? sorted[sorted.length / 2]
                : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
    }

    private static String format(double[] values) {
        StringBuilder s = new StringBuilder();
        for (double v : values) {
            s.append(s.length() == 0 ? "" : " ").append(String.format(Locale.ROOT, v < 10 ? "%.2f" : "%.1f", v));
        }
        return s.toString();
    }

    private static double loadAverage() {
        return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }
}
