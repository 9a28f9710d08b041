package dev.titans4j.t2.engine;

import dev.titans4j.export.ExportOptions;
import dev.titans4j.export.OnnxExporter;
import dev.titans4j.export.testing.TinyCheckpoint;
import dev.titans4j.t2.tokenizer.ModelTokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * What the prefix KV cache and chunked prefill do for chats and agents (issue 14); not part of the build. Run from
 * the repository root:
 * <pre>
 * mvn -o -q -pl langchain4j-t2 -am test -Dtest=PrefixCacheBenchmark -Dsurefire.failIfNoSpecifiedTests=false
 * </pre>
 * On a random-weight checkpoint of the decode benchmark's shape A (SmolLM2-135M-like: hidden 576, intermediate
 * 1536, 30 layers, 9 heads, 3 KV heads, vocab 49152, tied, rope_theta 100000), exported fp32 without the SVF graph
 * into {@code langchain4j-t2/target/prefix-bench} (kept for the next run), 2 intra-op threads, greedy:
 * <ul>
 *   <li>a 20-turn chat on a 1,500-token system+tools prompt: each turn after the first adds the previous
 *       24-token answer and a 30-token user message;</li>
 *   <li>a 3-round tool loop on the same prompt plus a 40-token question: each round adds the model's 24-token call
 *       and a 150-token tool result;</li>
 * </ul>
 * with the prefix cache off and on (two models loaded side by side, the conversations interleaved, each started
 * with an empty cache), printing the prefill tokens the model ran against the unique prompt tokens of the
 * conversation (its last prompt: every earlier prompt is a prefix of it), and the time to first token (prompt handed
 * over to first token selected) of the last request against the first, medians over {@code -Druns=N} (default 3).
 * Then what the cache's copies cost for the chat's last sequence, and prefill speed of the 1,500-token prompt by
 * chunk size (sizes interleaved, median of 5). {@code -Dspinning=false} sleeps ONNX Runtime's idle threads (for a
 * busy machine).
 * Token ids are random: the model's speed does not depend on them.
 */
class PrefixCacheBenchmark {

    private static final int SYSTEM_TOKENS = 1500;
    private static final int ANSWER_TOKENS = 24;
    private static final int CONTEXT = 4096;
    private static final int THREADS = 2;

    @Test
    void chatAndToolLoopOnShapeA() throws IOException {
        Path model = shapeA(Path.of("target", "prefix-bench").toAbsolutePath());
        Random random = new Random(14);
        int[] system = random.ints(SYSTEM_TOKENS, 3, 49152).toArray();
        List<int[]> userTurns = new ArrayList<>();
        for (int i = 0; i < 19; i++) {
            userTurns.add(random.ints(30, 3, 49152).toArray());
        }
        int[] question = random.ints(40, 3, 49152).toArray();
        List<int[]> toolResults = List.of(random.ints(150, 3, 49152).toArray(),
                random.ints(150, 3, 49152).toArray());
        int runs = Integer.getInteger("runs", 3);
        EngineOptions options = EngineOptions.defaults().withIntraOpThreads(THREADS).withMaxContextLength(CONTEXT)
                .withIntraOpSpinning(Boolean.parseBoolean(System.getProperty("spinning", "true")));
        System.out.printf(Locale.ROOT, "Prefix cache benchmark: shape A fp32 (plain graph), %d threads, spinning %s,"
                + " medians of %d runs, load average %.2f%n", THREADS, options.intraOpSpinning(), runs, loadAverage());
        try (OnnxModel off = OnnxModel.load(model, options.withPrefixCacheBytes(0));
             OnnxModel on = OnnxModel.load(model, options);
             ModelTokenizer tokenizer = ModelTokenizer.load(model, on.manifest())) {
            Map<String, List<Run>> results = new LinkedHashMap<>();
            for (int run = 0; run < runs; run++) {
                for (OnnxModel onnx : List.of(off, on)) {
                    Generator generator = new Generator(onnx, tokenizer);
                    String cache = onnx == off ? "off" : "on";
                    if (run == 0) {
                        warmUp(generator);
                    }
                    onnx.clearPrefixCache(); // each conversation starts cold: its first request prefills everything
                    results.computeIfAbsent("20-turn chat, cache " + cache, k -> new ArrayList<>())
                            .add(conversation(generator, system, userTurns));
                    onnx.clearPrefixCache();
                    results.computeIfAbsent("3-round tool loop, cache " + cache, k -> new ArrayList<>())
                            .add(conversation(generator, concat(system, question), toolResults));
                }
            }
            results.forEach(PrefixCacheBenchmark::report);
            copyCost(on, system.length + 19 * (ANSWER_TOKENS + 30));
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

    /** What one conversation cost. */
    private record Run(int requests, long prefilled, long unique, double firstTtft, double lastTtft, double seconds) {
        double ttftRatio() {
            return lastTtft / firstTtft;
        }
    }

    /**
     * Request 1 is {@code start}; each further request is the previous prompt, the previous answer and the next of
     * {@code additions} (a user message or a tool result).
     */
    private static Run conversation(Generator generator, int[] start, List<int[]> additions) {
        int[] prompt = start;
        long prefilled = 0;
        double first = 0;
        double last = 0;
        long begin = System.nanoTime();
        int[] answer = new int[0];
        for (int turn = 0; turn <= additions.size(); turn++) {
            if (turn > 0) {
                prompt = concat(prompt, answer, additions.get(turn - 1));
            }
            long[] firstToken = {0};
            TokenSelector greedy = TokenSelector.greedy();
            long sent = System.nanoTime();
            GenerationResult result = generator.generate(
                    new GenerationRequest(prompt, ANSWER_TOKENS, Set.of(), List.of()),
                    logits -> {
                        if (firstToken[0] == 0) {
                            firstToken[0] = System.nanoTime();
                        }
                        return greedy.select(logits);
                    }, Map.of(), piece -> { }, () -> false);
            double ttft = (firstToken[0] - sent) / 1e9;
            first = turn == 0 ? ttft : first;
            last = ttft;
            prefilled += result.promptTokens() - result.reusedPromptTokens();
            answer = result.outputIds().stream().mapToInt(Integer::intValue).toArray();
        }
        long unique = prompt.length;
        return new Run(additions.size() + 1, prefilled, unique, first, last, (System.nanoTime() - begin) / 1e9);
    }

    private static void report(String name, List<Run> runs) {
        Run run = runs.get(0); // token counts are the same in every run
        System.out.printf(Locale.ROOT, "  %-30s %2d requests: prefilled %6d tokens for %5d unique (%.2fx);"
                        + " TTFT first %.3f s, last %.3f s, ratio %.2fx; total %.1f s%n", name, run.requests,
                run.prefilled, run.unique, (double) run.prefilled / run.unique,
                median(runs.stream().mapToDouble(Run::firstTtft).toArray()),
                median(runs.stream().mapToDouble(Run::lastTtft).toArray()),
                median(runs.stream().mapToDouble(Run::ttftRatio).toArray()),
                median(runs.stream().mapToDouble(Run::seconds).toArray()));
    }

    private static void warmUp(Generator generator) {
        generator.generate(new GenerationRequest(new int[] {5, 6, 7, 8}, 4, Set.of(), List.of()),
                TokenSelector.greedy(), piece -> { }, () -> false);
    }

    private static int[] concat(int[]... parts) {
        return Arrays.stream(parts).flatMapToInt(Arrays::stream).toArray();
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
