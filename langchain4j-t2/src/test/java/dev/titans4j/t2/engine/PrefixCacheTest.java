package dev.titans4j.t2.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.titans4j.export.ExportOptions;
import dev.titans4j.export.OnnxExporter;
import dev.titans4j.export.manifest.ModelManifest;
import dev.titans4j.export.testing.TinyCheckpoint;
import dev.titans4j.t2.TestModels;
import dev.titans4j.t2.tokenizer.ModelTokenizer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The prefix KV cache through the {@link Generator}, on real ONNX Runtime: a reused prefix gives the same greedy
 * output as a full prefill at every split point, chats and tool loops prefill only what is new, concurrent requests
 * stay isolated, graphs and multipliers never share, the byte budget evicts the least recently used sequence, and a
 * cancelled prefill stops between chunks and keeps nothing.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PrefixCacheTest {

    private static final int OUTPUT = 12;

    @TempDir
    static Path dir;

    /** A tiny random Llama with a plain companion and an SVF graph. */
    private Path tiny;
    private ModelTokenizer tinyTokenizer;
    private final EngineOptions options = EngineOptions.defaults().withIntraOpThreads(1);

    @BeforeAll
    void exportTinyModel() throws IOException {
        Path hf = TinyCheckpoint.llama().headDim(16).intermediate(40).maxPositions(256).seed(11)
                .write(dir.resolve("hf"));
        tiny = dir.resolve("tiny");
        OnnxExporter.builder().options(ExportOptions.defaults()).build().export(hf, tiny);
        try (OnnxModel model = OnnxModel.load(tiny, options)) {
            tinyTokenizer = ModelTokenizer.load(tiny, model.manifest());
        }
    }

    @AfterAll
    void closeTokenizer() {
        if (tinyTokenizer != null) {
            tinyTokenizer.close();
        }
    }

    private static GenerationRequest request(int[] prompt, int maxOutput) {
        return new GenerationRequest(prompt, maxOutput, Set.of(), List.of());
    }

    private static GenerationResult greedy(Generator generator, int[] prompt, Map<String, float[]> multipliers) {
        return generator.generate(request(prompt, OUTPUT), TokenSelector.greedy(), multipliers, piece -> { },
                () -> false);
    }

    /**
     * Runs other tokens through the idle pooled KV cache the next request will take (the pool hands out the most
     * recently returned one), so that request finds nothing of the earlier sequence left in its buffers: what it
     * reuses must come from the prefix cache.
     */
    private static void overwritePooledCache(OnnxModel model, int positions) {
        try (DecoderSession session = model.newSession()) {
            session.prefill(new Random(positions).ints(positions, 3, 64).toArray());
        }
    }

    private static int[] concat(int[]... parts) {
        return Arrays.stream(parts).flatMapToInt(Arrays::stream).toArray();
    }

    private static int[] ids(List<Integer> list) {
        return list.stream().mapToInt(Integer::intValue).toArray();
    }

    @Test
    void stories260K_greedy_output_is_the_same_at_every_split_point() {
        Path stories = TestModels.stories260K();
        try (OnnxModel cached = OnnxModel.load(stories, options);
             OnnxModel uncached = OnnxModel.load(stories, options.withPrefixCacheBytes(0));
             ModelTokenizer tokenizer = ModelTokenizer.load(stories, cached.manifest())) {
            assertThat(uncached.prefixCache()).isNull();
            int[] prompt = tokenizer.encode("Once upon a time, there was a little girl named Lily. She loved");
            int n = prompt.length;
            Generator withCache = new Generator(cached, tokenizer);
            GenerationResult expected = greedy(new Generator(uncached, tokenizer), prompt, Map.of());
            assertThat(expected.reusedPromptTokens()).isZero();
            for (int split = 0; split <= n; split++) {
                cached.clearPrefixCache();
                // an earlier sequence that shares exactly `split` tokens with the prompt, then goes elsewhere
                int[] earlier = Arrays.copyOf(prompt, split + 1);
                earlier[split] = split < n && prompt[split] == 7 ? 8 : 7;
                withCache.generate(request(earlier, 1), TokenSelector.greedy(), piece -> { }, () -> false);
                overwritePooledCache(cached, n + 1);
                GenerationResult result = greedy(withCache, prompt, Map.of());
                assertThat(result.reusedPromptTokens()).as("split %d", split).isEqualTo(Math.min(split, n - 1));
                assertThat(result.outputIds()).as("split %d", split).isEqualTo(expected.outputIds());
                assertThat(result.text()).as("split %d", split).isEqualTo(expected.text());
            }
        }
    }

    @Test
    void a_growing_chat_and_a_tool_loop_prefill_only_their_new_tokens() {
        try (OnnxModel model = OnnxModel.load(tiny, options.withPrefillChunkTokens(16));
             OnnxModel reference = OnnxModel.load(tiny, options.withPrefixCacheBytes(0))) {
            Generator generator = new Generator(model, tinyTokenizer);
            Generator uncached = new Generator(reference, tinyTokenizer);
            Random random = new Random(5);
            int[] system = random.ints(60, 3, 64).toArray();
            int[] prompt = concat(system, random.ints(5, 3, 64).toArray());
            int prefilled = 0;
            for (int turn = 0; turn < 6; turn++) {
                overwritePooledCache(model, prompt.length);
                GenerationResult result = greedy(generator, prompt, Map.of());
                assertThat(result.outputIds()).as("turn %d", turn)
                        .isEqualTo(greedy(uncached, prompt, Map.of()).outputIds());
                // all of the previous prompt and answer is kept but the answer's last token, never fed back
                int newTokens = turn == 0 ? prompt.length : 4 + 1;
                assertThat(result.reusedPromptTokens()).as("turn %d", turn).isEqualTo(prompt.length - newTokens);
                prefilled += prompt.length - result.reusedPromptTokens();
                int[] user = random.ints(4, 3, 64).toArray(); // the next message, or a tool's result
                prompt = concat(prompt, ids(result.outputIds()), user);
            }
            assertThat(prefilled).isEqualTo(65 + 5 * (4 + 1));

            // another conversation with the same system prompt starts from it
            int[] other = concat(system, random.ints(7, 3, 64).toArray());
            assertThat(greedy(generator, other, Map.of()).reusedPromptTokens()).isEqualTo(system.length);
        }
    }

    @Test
    void concurrent_requests_with_overlapping_prefixes_match_sequential_runs() throws Exception {
        Random random = new Random(9);
        int[] shared = random.ints(40, 3, 64).toArray();
        List<int[]> prompts = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            int[] own = random.ints(3 + i % 4, 3, 64).toArray();
            prompts.add(concat(Arrays.copyOf(shared, 20 + 5 * (i % 5)), own));
        }
        Map<Integer, List<Integer>> sequential = new HashMap<>();
        try (OnnxModel reference = OnnxModel.load(tiny, options.withPrefixCacheBytes(0))) {
            Generator generator = new Generator(reference, tinyTokenizer);
            for (int i = 0; i < prompts.size(); i++) {
                sequential.put(i, greedy(generator, prompts.get(i), Map.of()).outputIds());
            }
        }
        try (OnnxModel model = OnnxModel.load(tiny, options.withPrefillChunkTokens(8))) {
            Generator generator = new Generator(model, tinyTokenizer);
            ExecutorService pool = Executors.newFixedThreadPool(4);
            AtomicInteger reused = new AtomicInteger();
            try {
                for (int round = 0; round < 3; round++) {
                    List<Future<GenerationResult>> futures = new ArrayList<>();
                    for (int[] prompt : prompts) {
                        futures.add(pool.submit(() -> greedy(generator, prompt, Map.of())));
                    }
                    for (int i = 0; i < prompts.size(); i++) {
                        GenerationResult result = futures.get(i).get();
                        reused.addAndGet(result.reusedPromptTokens());
                        assertThat(result.outputIds()).as("round %d prompt %d", round, i)
                                .isEqualTo(sequential.get(i));
                    }
                }
            } finally {
                pool.shutdownNow();
            }
            assertThat(reused.get()).as("the rounds after the first reuse whole prompts").isGreaterThanOrEqualTo(
                    2 * prompts.stream().mapToInt(p -> p.length - 1).sum());
        }
    }

    @Test
    void plain_and_svf_graphs_and_different_multipliers_never_share_an_entry() {
        try (OnnxModel model = OnnxModel.load(tiny, options);
             OnnxModel reference = OnnxModel.load(tiny, options.withPrefixCacheBytes(0))) {
            assertThat(model.usesPlainCompanion()).isTrue();
            Generator generator = new Generator(model, tinyTokenizer);
            Generator uncached = new Generator(reference, tinyTokenizer);
            int[] prompt = new Random(2).ints(30, 3, 64).toArray();
            Map<String, float[]> mixA = multipliers(model, 0.5f);
            Map<String, float[]> mixB = multipliers(model, 0.5f);
            mixB.values().iterator().next()[0] = 0.5000001f; // one bit apart

            assertThat(greedy(generator, prompt, Map.of()).reusedPromptTokens()).isZero();
            for (Map<String, float[]> mix : List.of(mixA, mixB)) {
                GenerationResult first = greedy(generator, prompt, mix);
                assertThat(first.reusedPromptTokens()).isZero();
                assertThat(first.outputIds()).isEqualTo(greedy(uncached, prompt, mix).outputIds());
                assertThat(greedy(generator, prompt, mix).reusedPromptTokens()).isEqualTo(prompt.length - 1);
            }
            assertThat(model.prefixCache().entryCount()).isEqualTo(3);
            assertThat(greedy(generator, prompt, Map.of()).reusedPromptTokens()).isEqualTo(prompt.length - 1);

            // the SVF graph's identity, given or left out, is one key; the plain companion is another graph
            int[] other = new Random(4).ints(20, 3, 64).toArray();
            try (DecoderSession svfIdentity = model.newSession(Map.of(), true)) {
                svfIdentity.prefill(other);
                svfIdentity.keepPrefix();
            }
            try (DecoderSession allOnes = model.newSession(multipliers(model, 1f));
                 DecoderSession plain = model.newSession()) {
                assertThat(allOnes.reusePrefix(other)).isEqualTo(other.length - 1);
                assertThat(plain.reusePrefix(other)).isZero();
            }
        }
    }

    private static Map<String, float[]> multipliers(OnnxModel model, float value) {
        Map<String, float[]> map = new HashMap<>();
        for (ModelManifest.SvfMatrix m : model.manifest().svf().matrices()) {
            float[] v = new float[m.rank()];
            Arrays.fill(v, value);
            map.put(m.input(), v);
        }
        return map;
    }

    @Test
    void the_byte_budget_evicts_the_least_recently_used_sequence() {
        long perPosition;
        try (OnnxModel probe = OnnxModel.load(tiny, options)) {
            try (DecoderSession s = probe.newSession()) {
                s.prefill(new int[] {5});
                s.keepPrefix();
            }
            perPosition = probe.prefixCache().bytes();
        }
        // room for 50 positions: two sequences of 20 (+ the token fed back from 2 outputs)
        try (OnnxModel model = OnnxModel.load(tiny, options.withPrefixCacheBytes(50 * perPosition))) {
            Generator generator = new Generator(model, tinyTokenizer);
            Random random = new Random(8);
            int[] a = random.ints(20, 3, 64).toArray();
            int[] b = random.ints(20, 3, 64).toArray();
            int[] c = random.ints(20, 3, 64).toArray();
            GenerationResult first = generator.generate(request(a, 2), TokenSelector.greedy(), piece -> { },
                    () -> false);
            generator.generate(request(b, 2), TokenSelector.greedy(), piece -> { }, () -> false);
            assertThat(model.prefixCache().entryCount()).isEqualTo(2);
            assertThat(model.prefixCache().bytes()).isEqualTo(2 * 21 * perPosition);
            // a is used again (a prompt that starts like it), so b is now the least recently used
            assertThat(generator.generate(request(concat(a, new int[] {first.outputIds().get(0), 9}), 1),
                    TokenSelector.greedy(), piece -> { }, () -> false).reusedPromptTokens()).isEqualTo(21);
            generator.generate(request(c, 2), TokenSelector.greedy(), piece -> { }, () -> false);
            List<int[]> kept = model.prefixCache().sequences();
            assertThat(kept).hasSize(2);
            assertThat(Arrays.copyOf(kept.get(0), 20)).isEqualTo(a); // extended: the new entry replaced the old
            assertThat(kept.get(0)).hasSize(22);
            assertThat(Arrays.copyOf(kept.get(1), 20)).isEqualTo(c);
            assertThat(model.prefixCache().bytes()).isLessThanOrEqualTo(50 * perPosition);

            // a sequence larger than the whole budget is not kept and evicts nothing
            generator.generate(request(random.ints(60, 3, 64).toArray(), 1), TokenSelector.greedy(), piece -> { },
                    () -> false);
            assertThat(model.prefixCache().sequences()).hasSize(2);
        }
    }

    @Test
    void cancelling_during_prefill_stops_after_the_running_chunk_and_frees_the_kv() {
        try (OnnxModel model = OnnxModel.load(tiny, options.withPrefillChunkTokens(16))) {
            Generator generator = new Generator(model, tinyTokenizer);
            int[] prompt = new Random(6).ints(200, 3, 64).toArray();
            List<Integer> progress = new ArrayList<>();
            GenerationResult result = generator.generate(request(prompt, 5), TokenSelector.greedy(), Map.of(),
                    piece -> { }, () -> progress.size() >= 2, (done, total) -> {
                        assertThat(total).isEqualTo(200);
                        progress.add(done);
                    });
            assertThat(result.stopReason()).isEqualTo(StopReason.CANCELLED);
            assertThat(result.outputIds()).isEmpty();
            assertThat(progress).containsExactly(16, 32); // two chunks ran, then the cancellation was seen
            assertThat(model.prefixCache().entryCount()).isZero(); // nothing of a cancelled request is kept
            assertThat(model.idleCaches()).isEqualTo(1); // its KV cache went back to the pool

            // the same prompt runs to the end afterwards, reporting every chunk
            progress.clear();
            GenerationResult full = generator.generate(request(prompt, 5), TokenSelector.greedy(), Map.of(),
                    piece -> { }, () -> false, (done, total) -> progress.add(done));
            assertThat(full.stopReason()).isEqualTo(StopReason.MAX_OUTPUT_TOKENS);
            assertThat(progress).containsExactlyElementsOf(
                    IntStream.rangeClosed(1, 13).map(i -> Math.min(200, 16 * i)).boxed().toList());
        }
    }

    @Test
    void chunked_prefill_gives_the_same_greedy_output_as_one_run() {
        int[] prompt = new Random(12).ints(90, 3, 64).toArray();
        List<List<Integer>> outputs = new ArrayList<>();
        for (int chunk : new int[] {0, 1, 7, 32, 89, 90}) {
            try (OnnxModel model = OnnxModel.load(tiny, options.withPrefillChunkTokens(chunk)
                    .withPrefixCacheBytes(0))) {
                outputs.add(greedy(new Generator(model, tinyTokenizer), prompt, Map.of()).outputIds());
            }
        }
        assertThat(outputs).allSatisfy(o -> assertThat(o).isEqualTo(outputs.get(0)));
    }

    @Test
    void options_default_to_a_cache_and_chunks_and_reject_negative_values() {
        EngineOptions defaults = EngineOptions.defaults();
        assertThat(defaults.prefixCacheBytes()).isEqualTo(256L << 20);
        assertThat(defaults.prefillChunkTokens()).isEqualTo(256);
        assertThat(new EngineOptions(1, ExecutionProvider.CPU, 0, 0, true, true, false))
                .isEqualTo(defaults.withIntraOpThreads(1));
        assertThatThrownBy(() -> defaults.withPrefixCacheBytes(-1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("prefixCacheBytes must be >= 0 (0 = no prefix cache), got -1");
        assertThatThrownBy(() -> defaults.withPrefillChunkTokens(-2)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("prefillChunkTokens must be >= 0 (0 = the whole prompt at once), got -2");
    }
}
