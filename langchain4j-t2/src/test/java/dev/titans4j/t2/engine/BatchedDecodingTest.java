package dev.titans4j.t2.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.titans4j.export.manifest.ModelManifest;
import dev.titans4j.t2.TestModels;
import dev.titans4j.t2.generation.SamplingParameters;
import dev.titans4j.t2.tokenizer.ModelTokenizer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntConsumer;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Concurrent {@link Generator#generate} calls on one model decode in shared batched steps: on TinyStories-656K
 * (head_dim 16, rotary fused into GroupQueryAttention, so rows of different lengths share a run) every request's
 * output is the one it gets alone on a model that never batches, greedy ids exactly (batched MatMuls round like
 * batch-1 ones on ONNX Runtime's CPU kernels here) and seeded sampling too; requests join mid-generation, leave when
 * cancelled, decode with their own expert mix only beside the same mix, and wait for the KV budget.
 */
class BatchedDecodingTest {

    private static final int EOS = 2;
    private final EngineOptions options = EngineOptions.defaults().withIntraOpThreads(1);

    /**
     * A greedy selector whose first pick waits until every request of the run has prefilled, so they all decode at
     * once (a request joins its batch at its first decode, and a batch waits for all its members each step).
     */
    private static TokenSelector gatedGreedy(CountDownLatch firstPicks) {
        TokenSelector greedy = TokenSelector.greedy();
        return new TokenSelector() {
            int calls;

            @Override
            public int select(float[] logits) {
                if (calls++ == 0) {
                    firstPicks.countDown();
                    await(firstPicks);
                }
                return greedy.select(logits);
            }
        };
    }

    static void await(CountDownLatch latch) {
        try {
            assertThat(latch.await(60, TimeUnit.SECONDS)).as("the other requests arrived").isTrue();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void tinyStories_concurrent_greedy_output_equals_each_request_alone() throws Exception {
        String[] prompts = {"Once upon a time", "The little dog ran to the park and", "Lily had a red ball. She",
                "One day, a big bird"};
        int[] maxTokens = {60, 25, 45, 33};
        try (OnnxModel alone = OnnxModel.load(TestModels.tinyStories656K(), options.withMaxBatchSize(1));
             OnnxModel batched = OnnxModel.load(TestModels.tinyStories656K(), options);
             ModelTokenizer tokenizer = ModelTokenizer.load(TestModels.tinyStories656K(), alone.manifest())) {
            List<GenerationResult> expected = new ArrayList<>();
            for (int i = 0; i < prompts.length; i++) {
                expected.add(new Generator(alone, tokenizer).generate(new GenerationRequest(
                        tokenizer.encode(prompts[i]), maxTokens[i], Set.of(EOS), List.of()),
                        TokenSelector.greedy(), p -> { }, () -> false));
            }
            CountDownLatch firstPicks = new CountDownLatch(prompts.length);
            ExecutorService pool = Executors.newFixedThreadPool(prompts.length);
            try {
                List<Future<GenerationResult>> futures = new ArrayList<>();
                for (int i = 0; i < prompts.length; i++) {
                    int n = i;
                    futures.add(pool.submit(() -> new Generator(batched, tokenizer).generate(new GenerationRequest(
                            tokenizer.encode(prompts[n]), maxTokens[n], Set.of(EOS), List.of()),
                            gatedGreedy(firstPicks), p -> { }, () -> false)));
                }
                for (int i = 0; i < prompts.length; i++) {
                    GenerationResult r = futures.get(i).get(60, TimeUnit.SECONDS);
                    assertThat(r.outputIds()).as(prompts[i]).isEqualTo(expected.get(i).outputIds());
                    assertThat(r.text()).isEqualTo(expected.get(i).text());
                }
            } finally {
                pool.shutdownNow();
            }
            assertThat(batched.batches().largestStep()).isEqualTo(prompts.length);
        }
    }

    private static final String[] PROMPTS = {"Once upon a time", "The little dog ran to the park and",
            "Lily had a red ball. She", "One day, a big bird"};

    private static GenerationRequest request(ModelTokenizer tokenizer, String prompt, int maxTokens) {
        return new GenerationRequest(tokenizer.encode(prompt), maxTokens, Set.of(EOS), List.of());
    }

    private static GenerationResult alone(OnnxModel model, ModelTokenizer tokenizer, String prompt, int maxTokens,
                                          Map<String, float[]> multipliers) {
        return new Generator(model, tokenizer).generate(request(tokenizer, prompt, maxTokens), TokenSelector.greedy(),
                multipliers, p -> { }, () -> false);
    }

    /** A greedy selector that tells {@code onPick} the number of each pick (1, 2, ...) before making it. */
    private static TokenSelector greedyWatching(IntConsumer onPick) {
        TokenSelector greedy = TokenSelector.greedy();
        return new TokenSelector() {
            int picks;

            @Override
            public int select(float[] logits) {
                onPick.accept(++picks);
                return greedy.select(logits);
            }
        };
    }

    private static List<GenerationResult> runAll(List<Callable<GenerationResult>> calls) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(calls.size());
        try {
            List<Future<GenerationResult>> futures = new ArrayList<>();
            calls.forEach(c -> futures.add(pool.submit(c)));
            List<GenerationResult> results = new ArrayList<>();
            for (Future<GenerationResult> f : futures) {
                results.add(f.get(60, TimeUnit.SECONDS));
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void requests_that_join_mid_generation_get_their_output_alone() throws Exception {
        try (OnnxModel alone = OnnxModel.load(TestModels.tinyStories656K(), options.withMaxBatchSize(1));
             OnnxModel batched = OnnxModel.load(TestModels.tinyStories656K(), options);
             ModelTokenizer tokenizer = ModelTokenizer.load(TestModels.tinyStories656K(), alone.manifest())) {
            CountDownLatch secondPicked = new CountDownLatch(1);
            CountDownLatch thirdPicked = new CountDownLatch(1);
            ExecutorService later = Executors.newFixedThreadPool(2);
            try {
                List<Future<GenerationResult>> joiners = new ArrayList<>();
                // the first request starts the second at its 10th token, the second the third at its 5th, and each
                // waits until the one it started has its prompt in the cache, so they join while it decodes
                GenerationResult first = new Generator(batched, tokenizer).generate(
                        request(tokenizer, PROMPTS[0], 60), greedyWatching(pick -> {
                            if (pick == 10) {
                                joiners.add(later.submit(() -> new Generator(batched, tokenizer).generate(
                                        request(tokenizer, PROMPTS[1], 30), greedyWatching(p -> {
                                            if (p == 1) {
                                                secondPicked.countDown();
                                            }
                                            if (p == 5) {
                                                joiners.add(later.submit(() -> new Generator(batched, tokenizer)
                                                        .generate(request(tokenizer, PROMPTS[2], 25),
                                                                greedyWatching(q -> {
                                                                    if (q == 1) {
                                                                        thirdPicked.countDown();
                                                                    }
                                                                }), t -> { }, () -> false)));
                                                await(thirdPicked);
                                            }
                                        }), t -> { }, () -> false)));
                                await(secondPicked);
                            }
                        }), p -> { }, () -> false);
                assertThat(first.outputIds()).isEqualTo(alone(alone, tokenizer, PROMPTS[0], 60, Map.of()).outputIds());
                assertThat(joiners.get(0).get(60, TimeUnit.SECONDS).outputIds())
                        .isEqualTo(alone(alone, tokenizer, PROMPTS[1], 30, Map.of()).outputIds());
                assertThat(joiners.get(1).get(60, TimeUnit.SECONDS).outputIds())
                        .isEqualTo(alone(alone, tokenizer, PROMPTS[2], 25, Map.of()).outputIds());
            } finally {
                later.shutdownNow();
            }
            assertThat(batched.batches().largestStep()).isEqualTo(3);
            assertThat(batched.batches().batchSizes()).isEmpty();
        }
    }

    /**
     * Three requests join in order (rows 0, 1, 2: each starts the next once it decodes, and waits for the next one's
     * prompt), the middle one is cancelled, so the last row moves into its place while the others keep decoding.
     */
    @Test
    void a_cancelled_request_leaves_its_batch_and_the_others_continue() throws Exception {
        try (OnnxModel alone = OnnxModel.load(TestModels.tinyStories656K(), options.withMaxBatchSize(1));
             OnnxModel batched = OnnxModel.load(TestModels.tinyStories656K(), options);
             ModelTokenizer tokenizer = ModelTokenizer.load(TestModels.tinyStories656K(), alone.manifest())) {
            CountDownLatch middlePicked = new CountDownLatch(1);
            CountDownLatch lastPicked = new CountDownLatch(1);
            AtomicBoolean cancel = new AtomicBoolean();
            AtomicReference<Future<GenerationResult>> middle = new AtomicReference<>();
            AtomicReference<Future<GenerationResult>> last = new AtomicReference<>();
            AtomicReference<List<Integer>> afterCancel = new AtomicReference<>();
            ExecutorService pool = Executors.newFixedThreadPool(2);
            try {
                GenerationResult first = new Generator(batched, tokenizer).generate(
                        request(tokenizer, PROMPTS[0], 60), greedyWatching(pick -> {
                            if (pick == 2) {
                                middle.set(pool.submit(() -> new Generator(batched, tokenizer).generate(
                                        request(tokenizer, PROMPTS[1], 60), greedyWatching(p -> {
                                            if (p == 1) {
                                                middlePicked.countDown();
                                            }
                                            if (p == 2) {
                                                last.set(pool.submit(() -> new Generator(batched, tokenizer)
                                                        .generate(request(tokenizer, PROMPTS[2], 50),
                                                                greedyWatching(q -> {
                                                                    if (q == 1) {
                                                                        lastPicked.countDown();
                                                                    }
                                                                }), t -> { }, () -> false)));
                                                await(lastPicked);
                                            }
                                            if (p == 8) {
                                                cancel.set(true);
                                            }
                                        }), t -> { }, cancel::get)));
                                await(middlePicked);
                            }
                            if (middle.get() != null && middle.get().isDone() && afterCancel.get() == null) {
                                afterCancel.set(batched.batches().batchSizes());
                            }
                        }), p -> { }, () -> false);
                GenerationResult cancelled = middle.get().get(60, TimeUnit.SECONDS);
                assertThat(cancelled.stopReason()).isEqualTo(StopReason.CANCELLED);
                assertThat(cancelled.outputIds())
                        .isEqualTo(alone(alone, tokenizer, PROMPTS[1], 8, Map.of()).outputIds());
                assertThat(first.outputIds()).isEqualTo(alone(alone, tokenizer, PROMPTS[0], 60, Map.of()).outputIds());
                assertThat(last.get().get(60, TimeUnit.SECONDS).outputIds())
                        .isEqualTo(alone(alone, tokenizer, PROMPTS[2], 50, Map.of()).outputIds());
            } finally {
                pool.shutdownNow();
            }
            assertThat(afterCancel.get()).as("one batch of the two requests left").containsExactly(2);
            assertThat(batched.batches().largestStep()).isEqualTo(3);
            assertThat(batched.batches().batchSizes()).isEmpty();
        }
    }

    private static Map<String, float[]> mix(OnnxModel model, float value) {
        Map<String, float[]> map = new HashMap<>();
        for (ModelManifest.SvfMatrix m : model.manifest().svf().matrices()) {
            float[] v = new float[m.rank()];
            Arrays.fill(v, value);
            map.put(m.input(), v);
        }
        return map;
    }

    @Test
    void requests_with_different_expert_mixes_decode_in_different_batches() throws Exception {
        try (OnnxModel alone = OnnxModel.load(TestModels.tinyStories656K(), options.withMaxBatchSize(1));
             OnnxModel batched = OnnxModel.load(TestModels.tinyStories656K(), options);
             ModelTokenizer tokenizer = ModelTokenizer.load(TestModels.tinyStories656K(), alone.manifest())) {
            List<Map<String, float[]>> mixes = List.of(mix(batched, 1.1f), mix(batched, 0.9f), mix(batched, 1.1f),
                    mix(batched, 0.9f));
            CountDownLatch firstPicks = new CountDownLatch(PROMPTS.length);
            AtomicInteger mostBatches = new AtomicInteger();
            List<Callable<GenerationResult>> calls = new ArrayList<>();
            for (int i = 0; i < PROMPTS.length; i++) {
                int n = i;
                calls.add(() -> new Generator(batched, tokenizer).generate(request(tokenizer, PROMPTS[n], 30),
                        greedyWatching(pick -> {
                            if (pick == 1) {
                                firstPicks.countDown();
                                await(firstPicks);
                            }
                            mostBatches.accumulateAndGet(batched.batches().batchSizes().size(), Math::max);
                        }), mixes.get(n), p -> { }, () -> false));
            }
            List<GenerationResult> results = runAll(calls);
            for (int i = 0; i < PROMPTS.length; i++) {
                assertThat(results.get(i).outputIds()).as(PROMPTS[i])
                        .isEqualTo(alone(alone, tokenizer, PROMPTS[i], 30, mixes.get(i)).outputIds());
            }
            assertThat(alone(alone, tokenizer, PROMPTS[0], 30, Map.of()).outputIds()).as("the mix matters")
                    .isNotEqualTo(results.get(0).outputIds());
            assertThat(batched.batches().largestStep()).as("two requests of one mix, never four").isEqualTo(2);
            assertThat(mostBatches.get()).isEqualTo(2);
        }
    }

    @Test
    void seeded_sampling_gives_each_request_its_own_output_alone() throws Exception {
        try (OnnxModel alone = OnnxModel.load(TestModels.tinyStories656K(), options.withMaxBatchSize(1));
             OnnxModel batched = OnnxModel.load(TestModels.tinyStories656K(), options);
             ModelTokenizer tokenizer = ModelTokenizer.load(TestModels.tinyStories656K(), alone.manifest())) {
            int vocab = batched.vocabSize();
            List<Callable<GenerationResult>> calls = new ArrayList<>();
            List<GenerationResult> expected = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                SamplingParameters sampling = SamplingParameters.builder().temperature(0.9).topK(40)
                        .seed((long) i + 7).repetitionPenalty(1.1).build();
                GenerationRequest request = request(tokenizer, PROMPTS[i], 40);
                expected.add(new Generator(alone, tokenizer).generate(request,
                        TokenSelector.sampling(sampling, request.promptIds(), vocab), p -> { }, () -> false));
                calls.add(() -> new Generator(batched, tokenizer).generate(request,
                        TokenSelector.sampling(sampling, request.promptIds(), vocab), p -> { }, () -> false));
            }
            List<GenerationResult> results = runAll(calls);
            for (int i = 0; i < 3; i++) {
                assertThat(results.get(i).outputIds()).isEqualTo(expected.get(i).outputIds());
                assertThat(results.get(i).text()).isEqualTo(expected.get(i).text());
            }
        }
    }

    /** Bytes of one request's KV at TinyStories-656K's 512-token context: 2 x 2 layers x 4 heads x 16 x 512 x 4. */
    private static final long TINY_STORIES_REQUEST_BYTES = 2L * 2 * 4 * 16 * 512 * 4;

    @Test
    void a_request_beyond_the_kv_budget_waits_until_another_ends() throws Exception {
        try (OnnxModel alone = OnnxModel.load(TestModels.tinyStories656K(), options.withMaxBatchSize(1));
             OnnxModel batched = OnnxModel.load(TestModels.tinyStories656K(),
                     options.withKvCacheBytes(2 * TINY_STORIES_REQUEST_BYTES + 1));
             ModelTokenizer tokenizer = ModelTokenizer.load(TestModels.tinyStories656K(), alone.manifest())) {
            CountDownLatch twoStarted = new CountDownLatch(2);
            AtomicInteger mostAdmitted = new AtomicInteger();
            List<Callable<GenerationResult>> calls = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                int n = i;
                calls.add(() -> new Generator(batched, tokenizer).generate(request(tokenizer, PROMPTS[n], 30),
                        greedyWatching(pick -> {
                            mostAdmitted.accumulateAndGet(batched.kvBudget().admitted(), Math::max);
                            if (pick == 1) { // the first two wait for each other; the third is admitted after
                                twoStarted.countDown();
                                await(twoStarted);
                            }
                        }), p -> { }, () -> false));
            }
            List<GenerationResult> results = runAll(calls);
            for (int i = 0; i < 3; i++) {
                assertThat(results.get(i).outputIds())
                        .isEqualTo(alone(alone, tokenizer, PROMPTS[i], 30, Map.of()).outputIds());
            }
            assertThat(mostAdmitted.get()).isEqualTo(2);
            assertThat(batched.kvBudget().admitted()).isZero();
        }
    }

    @Test
    void a_request_waiting_for_the_kv_budget_can_be_cancelled() throws Exception {
        try (OnnxModel model = OnnxModel.load(TestModels.tinyStories656K(),
                options.withKvCacheBytes(TINY_STORIES_REQUEST_BYTES));
             ModelTokenizer tokenizer = ModelTokenizer.load(TestModels.tinyStories656K(), model.manifest())) {
            CountDownLatch release = new CountDownLatch(1);
            ExecutorService pool = Executors.newSingleThreadExecutor();
            try {
                Future<GenerationResult> holder = pool.submit(() -> new Generator(model, tokenizer).generate(
                        request(tokenizer, PROMPTS[0], 10), greedyWatching(pick -> await(release)), p -> { },
                        () -> false));
                while (model.kvBudget().admitted() == 0) {
                    Thread.sleep(5);
                }
                AtomicInteger polls = new AtomicInteger();
                GenerationResult waiting = new Generator(model, tokenizer).generate(request(tokenizer, PROMPTS[1], 10),
                        TokenSelector.greedy(), p -> { }, () -> polls.incrementAndGet() > 3);
                assertThat(waiting.stopReason()).isEqualTo(StopReason.CANCELLED);
                assertThat(waiting.outputIds()).isEmpty();
                assertThat(waiting.text()).isEmpty();
                release.countDown();
                assertThat(holder.get(60, TimeUnit.SECONDS).stopReason()).isEqualTo(StopReason.MAX_OUTPUT_TOKENS);
            } finally {
                release.countDown();
                pool.shutdownNow();
            }
            assertThat(model.kvBudget().admitted()).isZero();
        }
    }

    @Test
    void a_kv_budget_below_one_request_fails_on_load() {
        Path folder = TestModels.tinyStories656K();
        assertThatThrownBy(() -> OnnxModel.load(folder, options.withKvCacheBytes(TINY_STORIES_REQUEST_BYTES - 1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(folder + ": One request's KV cache takes 524288 bytes (a context of 512 tokens) but the"
                        + " KV budget is 524287 bytes; raise EngineOptions.kvCacheBytes or lower maxContextLength");
        assertThatThrownBy(() -> options.withMaxBatchSize(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxBatchSize must be >= 1 (1 = no batching), got 0");
        assertThatThrownBy(() -> options.withKvCacheBytes(-1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("kvCacheBytes must be >= 0 (0 = no limit), got -1");
    }

    @Test
    void stories260K_requests_decode_alone_since_its_rotary_positions_are_shared_by_a_batch() throws Exception {
        Path stories = TestModels.stories260K();
        try (OnnxModel model = OnnxModel.load(stories, options);
             ModelTokenizer tokenizer = ModelTokenizer.load(stories, model.manifest())) {
            assertThat(model.batches()).as("head_dim 8: explicit rotary from the mask width").isNull();
            List<Callable<GenerationResult>> calls = new ArrayList<>();
            for (String prompt : PROMPTS) {
                calls.add(() -> alone(model, tokenizer, prompt, 30, Map.of()));
            }
            List<GenerationResult> results = runAll(calls);
            for (int i = 0; i < PROMPTS.length; i++) {
                assertThat(results.get(i).outputIds()).isEqualTo(alone(model, tokenizer, PROMPTS[i], 30, Map.of())
                        .outputIds());
            }
        }
    }
}
