package dev.titans4j.t2.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.titans4j.t2.TestModels;
import dev.titans4j.t2.tokenizer.ModelTokenizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

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
}
