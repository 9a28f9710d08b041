package dev.titans4j.t2.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.titans4j.export.manifest.ModelManifest;
import dev.titans4j.t2.TestModels;
import dev.titans4j.t2.generation.SamplingParameters;
import dev.titans4j.t2.tokenizer.ModelTokenizer;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
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
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.IntConsumer;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/**
 * Concurrent {@link Generator#generate} calls on one model decode in shared batched steps: on TinyStories-656K
 * (head_dim 16, rotary fused into GroupQueryAttention, so rows of different lengths share a run) every request's
 * output is the one it gets alone on a model that never batches, greedy ids exactly (batched MatMuls round like
 * batch-1 ones on ONNX Runtime's CPU kernels here) and seeded sampling too; requests join mid-generation, leave when
 * cancelled, decode with their own expert mix only beside the same mix, and wait for the KV budget. A request waiting
 * to join a batch that is stepping holds up no other request, and many joining and leaving at once (batches filling
 * up, ending, opening) still get their outputs alone.
 */
class BatchedDecodingTest {

    private static final int EOS = 2;
    private final EngineOptions options = EngineOptions.defaults().withIntraOpThreads(1);

    /**
     * A greedy selector whose first pick waits until every request of the run has prefilled, so they all decode at
     * once (a request joins its batch at its first decode, and a batch waits for all its members each step).
     */
    private static TokenSelector gatedGreedy(CountDownLatch firstPicks) {
        return gatedGreedy(firstPicks, null, 0);
    }

    /**
     * Also waits at its second pick (its first decode: it is in a batch then) until {@code members} requests are in
     * the model's batches, so none can finish before the last has joined, however the threads are scheduled.
     */
    private static TokenSelector gatedGreedy(CountDownLatch firstPicks, OnnxModel model, int members) {
        TokenSelector greedy = TokenSelector.greedy();
        return new TokenSelector() {
            int calls;

            @Override
            public int select(float[] logits) {
                if (calls == 0) {
                    firstPicks.countDown();
                    await(firstPicks);
                } else if (calls == 1 && model != null) {
                    awaitMembers(model, members);
                }
                calls++;
                return greedy.select(logits);
            }
        };
    }

    /** Waits until at least {@code members} requests are in the model's batches. */
    private static void awaitMembers(OnnxModel model, int members) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (model.batches().batchSizes().stream().mapToInt(Integer::intValue).sum() < members) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Never " + members + " requests in batches: " + model.batches().batchSizes());
            }
            LockSupport.parkNanos(1_000_000); // leaves the CPU to the requests being waited for
        }
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
                            gatedGreedy(firstPicks, batched, prompts.length), p -> { }, () -> false)));
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
                                                awaitMembers(batched, 3); // the third joins after its first pick
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
                                                // its first pick came from its prefill: wait until it joined too
                                                awaitBatchSizes(batched, List.of(3));
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

    /**
     * Two requests decode in a batch and one of them blocks in its callback (a streaming consumer that stopped
     * reading): the other, already waiting for the batch's next step, is cancelled and ends at once with
     * {@link StopReason#CANCELLED} instead of waiting for the blocked member's token; the blocked one then finishes
     * alone.
     */
    @Test
    void a_request_waiting_for_a_blocked_member_of_its_batch_can_be_cancelled() throws Exception {
        AtomicBoolean cancel = new AtomicBoolean();
        assertThat(cancelWhileWaitingForABlockedMember(cancel::get, waiting -> cancel.set(true))).isFalse();
    }

    /** The same for a caller that cancels by interrupting (OnnxChatModel): the interrupt status stays set. */
    @Test
    void a_request_waiting_for_a_blocked_member_of_its_batch_can_be_interrupted() throws Exception {
        assertThat(cancelWhileWaitingForABlockedMember(() -> Thread.currentThread().isInterrupted(),
                Thread::interrupt)).isTrue();
    }

    /** Runs the two requests, cancels the waiting one with {@code cancel}; its interrupt status after it ended. */
    private boolean cancelWhileWaitingForABlockedMember(BooleanSupplier cancelled, Consumer<Thread> cancel)
            throws Exception {
        try (OnnxModel batched = OnnxModel.load(TestModels.tinyStories656K(), options);
             ModelTokenizer tokenizer = ModelTokenizer.load(TestModels.tinyStories656K(), batched.manifest())) {
            CountDownLatch firstPicks = new CountDownLatch(2);
            CountDownLatch blocked = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            AtomicReference<Thread> waitingThread = new AtomicReference<>();
            ExecutorService pool = Executors.newFixedThreadPool(2);
            try {
                TokenSelector blocking = gatedGreedy(firstPicks, batched, 2);
                Future<GenerationResult> slow = pool.submit(() -> new Generator(batched, tokenizer).generate(
                        new GenerationRequest(tokenizer.encode(PROMPTS[0]), 30, Set.of(), List.of()),
                        new TokenSelector() {
                            int picks;

                            @Override
                            public int select(float[] logits) {
                                if (++picks == 4) {
                                    blocked.countDown();
                                    await(release);
                                }
                                return blocking.select(logits);
                            }
                        }, p -> { }, () -> false));
                AtomicBoolean interruptedAfter = new AtomicBoolean();
                Future<GenerationResult> waiting = pool.submit(() -> {
                    waitingThread.set(Thread.currentThread());
                    GenerationResult r = new Generator(batched, tokenizer).generate(
                            new GenerationRequest(tokenizer.encode(PROMPTS[1]), 30, Set.of(), List.of()),
                            gatedGreedy(firstPicks, batched, 2), p -> { }, cancelled);
                    interruptedAfter.set(Thread.currentThread().isInterrupted());
                    return r;
                });
                await(blocked);
                awaitWaitingInStep(waitingThread);
                cancel.accept(waitingThread.get());
                GenerationResult result = waiting.get(20, TimeUnit.SECONDS);
                assertThat(result.stopReason()).isEqualTo(StopReason.CANCELLED);
                assertThat(batched.batches().batchSizes()).as("the blocked member alone").containsExactly(1);
                release.countDown();
                assertThat(slow.get(60, TimeUnit.SECONDS).outputIds()).hasSize(30);
                assertThat(batched.batches().batchSizes()).isEmpty();
                return interruptedAfter.get();
            } finally {
                release.countDown();
                pool.shutdownNow();
            }
        }
    }

    /** Waits until {@code thread} waits inside a decode batch's step for the other members' tokens. */
    private static void awaitWaitingInStep(AtomicReference<Thread> thread) throws InterruptedException {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            Thread t = thread.get();
            ThreadInfo info = t == null ? null : threads.getThreadInfo(t.getId(), Integer.MAX_VALUE);
            if (info != null && (info.getThreadState() == Thread.State.WAITING
                    || info.getThreadState() == Thread.State.TIMED_WAITING)
                    && Arrays.stream(info.getStackTrace()).anyMatch(f -> f.getClassName().equals(
                            DecodeBatch.class.getName()) && f.getMethodName().equals("step"))) {
                return;
            }
            Thread.sleep(5);
        }
        throw new AssertionError("The request never waited in its batch's step");
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
                            if (pick == 2) { // in its batch: none ends before all have joined
                                awaitMembers(batched, PROMPTS.length);
                            }
                            // non-empty ones: a batch whose last member left is listed until it is retired
                            int open = (int) batched.batches().batchSizes().stream().filter(size -> size > 0).count();
                            mostBatches.accumulateAndGet(open, Math::max);
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

    /** Waits until the model's open batches have these sizes (a request joins after its first pick). */
    private static void awaitBatchSizes(OnnxModel model, List<Integer> sizes) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!model.batches().batchSizes().equals(sizes)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("The batches never had sizes " + sizes + ": "
                        + model.batches().batchSizes());
            }
            LockSupport.parkNanos(1_000_000); // leaves the CPU to the request being waited for
        }
    }

    /** Waits until {@code thread} is blocked on a lock that {@code owner} holds. */
    private static void awaitBlockedBy(AtomicReference<Thread> thread, Thread owner) throws InterruptedException {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            Thread t = thread.get();
            ThreadInfo info = t == null ? null : threads.getThreadInfo(t.getId());
            if (info != null && info.getThreadState() == Thread.State.BLOCKED
                    && info.getLockOwnerId() == owner.getId()) {
                return;
            }
            Thread.sleep(5);
        }
        throw new AssertionError("The request never waited for the batch's lock");
    }

    /**
     * The test holds a batch's lock, as its step would while a large model runs; a request of the same mix waits for
     * it to join that batch, and meanwhile a request of another mix prefills, decodes in a batch of its own and ends.
     */
    @Test
    void a_join_waiting_for_a_running_step_holds_up_no_other_request() throws Exception {
        try (OnnxModel alone = OnnxModel.load(TestModels.tinyStories656K(), options.withMaxBatchSize(1));
             OnnxModel batched = OnnxModel.load(TestModels.tinyStories656K(), options);
             ModelTokenizer tokenizer = ModelTokenizer.load(TestModels.tinyStories656K(), alone.manifest())) {
            Map<String, float[]> otherMix = mix(batched, 1.1f);
            GenerationResult otherAlone = alone(alone, tokenizer, PROMPTS[2], 30, otherMix);
            CountDownLatch firstDecoding = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            AtomicReference<Thread> joinerThread = new AtomicReference<>();
            ExecutorService pool = Executors.newFixedThreadPool(3);
            try {
                Future<GenerationResult> first = pool.submit(() -> new Generator(batched, tokenizer).generate(
                        request(tokenizer, PROMPTS[0], 30), greedyWatching(pick -> {
                            if (pick == 2) { // in its batch since its first decode
                                firstDecoding.countDown();
                                await(release);
                            }
                            if (pick == 3) { // outside the batch's lock: the joiner takes it, however busy the CPU
                                awaitBatchSizes(batched, List.of(2));
                            }
                        }), p -> { }, () -> false));
                await(firstDecoding);
                List<DecodeBatch> open = batched.batches().openBatches();
                assertThat(open).hasSize(1);
                Future<GenerationResult> joiner;
                synchronized (open.get(0)) {
                    joiner = pool.submit(() -> new Generator(batched, tokenizer).generate(
                            request(tokenizer, PROMPTS[1], 30), greedyWatching(pick -> {
                                if (pick == 1) {
                                    joinerThread.set(Thread.currentThread());
                                }
                            }), p -> { }, () -> false));
                    awaitBlockedBy(joinerThread, Thread.currentThread());
                    Future<GenerationResult> other = pool.submit(() -> new Generator(batched, tokenizer).generate(
                            request(tokenizer, PROMPTS[2], 30), TokenSelector.greedy(), otherMix, p -> { },
                            () -> false));
                    assertThat(other.get(30, TimeUnit.SECONDS).outputIds()).isEqualTo(otherAlone.outputIds());
                    assertThat(joiner).isNotDone();
                }
                release.countDown();
                assertThat(first.get(60, TimeUnit.SECONDS).outputIds())
                        .isEqualTo(alone(alone, tokenizer, PROMPTS[0], 30, Map.of()).outputIds());
                assertThat(joiner.get(60, TimeUnit.SECONDS).outputIds())
                        .isEqualTo(alone(alone, tokenizer, PROMPTS[1], 30, Map.of()).outputIds());
            } finally {
                release.countDown();
                pool.shutdownNow();
            }
            assertThat(batched.batches().largestStep()).as("the joiner decoded beside the first").isEqualTo(2);
            assertThat(batched.batches().batchSizes()).isEmpty();
        }
    }

    private record Job(String prompt, int maxTokens, Map<String, float[]> mix) {
    }

    /**
     * Eight threads of two mixes run three requests each on batches of at most three rows; their first requests all
     * join at once, so batches fill up and further ones open, and later ones join and leave while others decode.
     * Every output is the one the request gets alone, and every batch ends.
     */
    @Test
    void many_requests_joining_and_leaving_at_once_each_get_their_output_alone() throws Exception {
        int threads = 8;
        int rounds = 3;
        try (OnnxModel alone = OnnxModel.load(TestModels.tinyStories656K(), options.withMaxBatchSize(1));
             OnnxModel batched = OnnxModel.load(TestModels.tinyStories656K(), options.withMaxBatchSize(3));
             ModelTokenizer tokenizer = ModelTokenizer.load(TestModels.tinyStories656K(), alone.manifest())) {
            List<Map<String, float[]>> mixes = List.of(Map.of(), mix(batched, 0.9f));
            Job[][] jobs = new Job[threads][rounds];
            List<List<List<Integer>>> expected = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                List<List<Integer>> ownExpected = new ArrayList<>();
                for (int r = 0; r < rounds; r++) {
                    Job job = new Job(PROMPTS[(t + r) % PROMPTS.length], 20 + 5 * ((t + 2 * r) % 4),
                            mixes.get(t % 2));
                    jobs[t][r] = job;
                    ownExpected.add(alone(alone, tokenizer, job.prompt(), job.maxTokens(), job.mix()).outputIds());
                }
                expected.add(ownExpected);
            }
            CountDownLatch firstPicks = new CountDownLatch(threads);
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            try {
                List<Future<List<List<Integer>>>> futures = new ArrayList<>();
                for (Job[] ownJobs : jobs) {
                    futures.add(pool.submit(() -> {
                        List<List<Integer>> outputs = new ArrayList<>();
                        for (int r = 0; r < rounds; r++) {
                            Job job = ownJobs[r];
                            outputs.add(new Generator(batched, tokenizer).generate(
                                    request(tokenizer, job.prompt(), job.maxTokens()),
                                    r == 0 ? gatedGreedy(firstPicks) : TokenSelector.greedy(), job.mix(), p -> { },
                                    () -> false).outputIds());
                        }
                        return outputs;
                    }));
                }
                for (int t = 0; t < threads; t++) {
                    assertThat(futures.get(t).get(60, TimeUnit.SECONDS)).as("thread %d", t)
                            .isEqualTo(expected.get(t));
                }
            } finally {
                pool.shutdownNow();
            }
            assertThat(batched.batches().largestStep()).isBetween(2, 3);
            assertThat(batched.batches().batchSizes()).isEmpty();
        }
    }

    /**
     * Closing the model while three requests decode in a batch (one pauses between tokens once all three are in it,
     * so the others wait for it) and a fourth has prefilled but not joined yet ends each with a clear error: the
     * batch's next step finds the model closed, and so does the fourth's join.
     */
    @Test
    void closing_the_model_ends_batched_and_joining_requests_with_a_clear_error() throws Exception {
        OnnxModel batched = OnnxModel.load(TestModels.tinyStories656K(), options);
        try (ModelTokenizer tokenizer = ModelTokenizer.load(TestModels.tinyStories656K(), batched.manifest())) {
            CountDownLatch prefilled = new CountDownLatch(3);
            CountDownLatch paused = new CountDownLatch(2); // a member of the full batch, and the fourth request
            AtomicBoolean memberPaused = new AtomicBoolean();
            CountDownLatch closed = new CountDownLatch(1);
            ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                List<Future<GenerationResult>> futures = new ArrayList<>();
                for (int i = 0; i < 4; i++) {
                    boolean member = i < 3;
                    // no end-of-sequence id: the members decode until the close stops them
                    GenerationRequest request = new GenerationRequest(tokenizer.encode(PROMPTS[i]), 400, Set.of(),
                            List.of());
                    futures.add(pool.submit(() -> new Generator(batched, tokenizer).generate(request,
                            greedyWatching(pick -> {
                                if (member && pick == 1) {
                                    prefilled.countDown();
                                    await(prefilled);
                                }
                                boolean pause = member
                                        ? batched.batches().batchSizes().equals(List.of(3))
                                                && memberPaused.compareAndSet(false, true)
                                        : pick == 1;
                                if (pause) {
                                    paused.countDown();
                                    await(closed);
                                }
                            }), p -> { }, () -> false)));
                }
                await(paused);
                assertThat(batched.batches().batchSizes()).containsExactly(3);
                batched.close();
                closed.countDown();
                for (int i = 0; i < 4; i++) {
                    int n = i;
                    assertThatThrownBy(() -> futures.get(n).get(60, TimeUnit.SECONDS))
                            .isInstanceOf(ExecutionException.class).cause()
                            .isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
                }
            } finally {
                closed.countDown();
                pool.shutdownNow();
                batched.close();
            }
            assertThat(batched.batches().batchSizes()).isEmpty();
        }
    }

    /**
     * A member that reaches its token limit just after the model closed leaves its batch although the copy of its
     * keys and values for the prefix cache fails (the closed model lends no cache): the other member's next step
     * ends with the closed model's error instead of waiting for that member's token forever.
     */
    @Test
    void a_request_ending_after_the_model_closed_still_leaves_its_batch() throws Exception {
        OnnxModel batched = OnnxModel.load(TestModels.tinyStories656K(), options);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try (ModelTokenizer tokenizer = ModelTokenizer.load(TestModels.tinyStories656K(), batched.manifest())) {
            CountDownLatch bothDecoding = new CountDownLatch(2);
            Future<GenerationResult> closing = pool.submit(() -> new Generator(batched, tokenizer).generate(
                    new GenerationRequest(tokenizer.encode(PROMPTS[0]), 5, Set.of(), List.of()),
                    greedyWatching(pick -> {
                        if (pick == 1) {
                            bothDecoding.countDown();
                            await(bothDecoding);
                        }
                        if (pick == 5) {
                            batched.close(); // the request then ends at its limit and leaves
                        }
                    }), p -> { }, () -> false));
            Future<GenerationResult> other = pool.submit(() -> new Generator(batched, tokenizer).generate(
                    new GenerationRequest(tokenizer.encode(PROMPTS[1]), 400, Set.of(), List.of()),
                    greedyWatching(pick -> {
                        if (pick == 1) {
                            bothDecoding.countDown();
                            await(bothDecoding);
                        }
                    }), p -> { }, () -> false));
            assertThatThrownBy(() -> closing.get(60, TimeUnit.SECONDS)).cause()
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
            assertThatThrownBy(() -> other.get(60, TimeUnit.SECONDS)).as("not a TimeoutException: it did not hang")
                    .isInstanceOf(ExecutionException.class).cause()
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
            assertThat(batched.batches().batchSizes()).as("the batch ended with its members").isEmpty();
        } finally {
            pool.shutdownNow();
            batched.close();
        }
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
