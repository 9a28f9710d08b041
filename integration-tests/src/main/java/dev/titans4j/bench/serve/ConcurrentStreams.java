package dev.titans4j.bench.serve;

import dev.titans4j.t2.engine.GenerationRequest;
import dev.titans4j.t2.engine.Generator;
import dev.titans4j.t2.engine.TokenSelector;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Several requests decoding at once through {@link Generator#generate}, each on its own thread as a server's
 * request threads would call it, greedy with no stop tokens so each decodes exactly the tokens asked for.
 */
final class ConcurrentStreams {

    /** Short: the figure is decode speed, not prefill. */
    static final int PROMPT_TOKENS = 8;

    private ConcurrentStreams() {
    }

    /**
     * Aggregate decode tokens/s of {@code streams} requests started together: the tokens decoded after each
     * request's first one, over the time from the earliest first token to the last request's end.
     */
    static double decodeTokensPerSecond(Generator generator, int vocab, int streams, int tokens, long seed)
            throws InterruptedException {
        SplittableRandom random = new SplittableRandom(seed); // distinct prompts: no stream reuses another's prefix
        List<int[]> prompts = new ArrayList<>();
        for (int i = 0; i < streams; i++) {
            prompts.add(random.ints(PROMPT_TOKENS, 3, vocab).toArray());
        }
        ExecutorService pool = Executors.newFixedThreadPool(streams);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<long[]>> runs = new ArrayList<>();
            for (int[] prompt : prompts) {
                runs.add(pool.submit(() -> {
                    go.await();
                    return timed(generator, prompt, tokens);
                }));
            }
            go.countDown();
            long firstToken = Long.MAX_VALUE;
            long end = 0;
            long decoded = 0;
            for (Future<long[]> run : runs) {
                long[] t = run.get(); // {first token, end, tokens}
                firstToken = Math.min(firstToken, t[0]);
                end = Math.max(end, t[1]);
                decoded += t[2] - 1;
            }
            return decoded / ((end - firstToken) / 1e9);
        } catch (java.util.concurrent.ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }

    private static long[] timed(Generator generator, int[] prompt, int tokens) {
        long[] firstToken = {0};
        TokenSelector greedy = TokenSelector.greedy();
        int generated = generator.generate(new GenerationRequest(prompt, tokens, Set.of(), List.of()), logits -> {
            if (firstToken[0] == 0) {
                firstToken[0] = System.nanoTime();
            }
            return greedy.select(logits);
        }, piece -> { }, () -> false).outputTokens();
        return new long[] {firstToken[0], System.nanoTime(), generated};
    }
}
