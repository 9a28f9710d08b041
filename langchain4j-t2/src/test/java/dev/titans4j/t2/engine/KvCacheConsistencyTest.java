package dev.titans4j.t2.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.titans4j.export.reference.ReferenceModel;
import dev.titans4j.export.testing.TinyCheckpoint;
import dev.titans4j.t2.TestModels;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The KV-cache path (prefill, then one token per run into the shared past/present buffers) against a recomputation
 * of every step from scratch, and both against the exporter's independent double-precision reference forward pass,
 * on tiny random checkpoints of each architecture.
 */
class KvCacheConsistencyTest {

    private static final int STEPS = 12;
    private static final double CACHE_TOLERANCE = 1e-4;
    private static final double REFERENCE_TOLERANCE = 2e-3;

    @TempDir
    Path temp;

    static Stream<Arguments> checkpoints() {
        return Stream.of(
                Arguments.of("llama, GQA, untied", TinyCheckpoint.llama().kvHeads(2).tied(false)),
                Arguments.of("qwen2, biases, tied", TinyCheckpoint.qwen2().bias(true).tied(true).kvHeads(1)),
                Arguments.of("mistral, MHA", TinyCheckpoint.mistral().kvHeads(4).layers(3)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("checkpoints")
    void cached_decoding_matches_recomputation_and_reference(String name, TinyCheckpoint checkpoint)
            throws IOException {
        Path hf = checkpoint.write(temp.resolve("hf"));
        ReferenceModel reference = ReferenceModel.load(hf);
        try (OnnxModel model = OnnxModel.load(TestModels.export(hf, temp.resolve("onnx")),
                EngineOptions.defaults().withIntraOpThreads(1))) {
            int[] prompt = {1, 17, 5, 33, 9};
            int[] tokens = Arrays.copyOf(prompt, prompt.length + STEPS);
            float[][] cached = new float[STEPS][];
            try (DecoderSession session = model.newSession()) {
                float[] logits = session.prefill(prompt);
                for (int step = 0; step < STEPS; step++) {
                    cached[step] = logits;
                    int next = TokenSelector.greedy().select(logits);
                    tokens[prompt.length + step] = next;
                    if (step + 1 < STEPS) {
                        logits = session.decode(next);
                    }
                }
            }
            double[][] expected = reference.logits(Arrays.copyOf(tokens, prompt.length + STEPS - 1));
            for (int step = 0; step < STEPS; step++) {
                int length = prompt.length + step;
                float[] recomputed;
                try (DecoderSession fresh = model.newSession()) {
                    recomputed = fresh.forward(Arrays.copyOf(tokens, length), length - 1)[0];
                }
                assertThat(maxAbsDiff(cached[step], recomputed)).as("%s step %d: cache vs recompute", name, step)
                        .isLessThan(CACHE_TOLERANCE);
                assertThat(maxAbsDiff(cached[step], expected[length - 1])).as("%s step %d: vs reference", name, step)
                        .isLessThan(REFERENCE_TOLERANCE);
            }
        }
    }

    @Test
    void prefill_in_chunks_equals_one_prefill() throws IOException {
        Path hf = TinyCheckpoint.llama().write(temp.resolve("hf"));
        try (OnnxModel model = OnnxModel.load(TestModels.export(hf, temp.resolve("onnx")), EngineOptions.defaults())) {
            int[] ids = new Random(7).ints(20, 0, 64).toArray();
            float[] whole;
            try (DecoderSession session = model.newSession()) {
                whole = session.prefill(ids);
            }
            try (DecoderSession session = model.newSession()) {
                session.prefill(Arrays.copyOf(ids, 8));
                float[] chunked = session.prefill(Arrays.copyOfRange(ids, 8, 20));
                assertThat(session.position()).isEqualTo(20);
                assertThat(maxAbsDiff(whole, chunked)).isLessThan(CACHE_TOLERANCE);
            }
        }
    }

    /**
     * One logits row comes out of a pinned output buffer, several rows out of a fresh output: both agree, a
     * returned row is the caller's own copy (the next step does not overwrite it), and the mask view reaches the
     * last position of the cache.
     */
    @Test
    void pinned_single_row_and_multi_row_logits_agree_up_to_a_full_cache() throws IOException {
        Path hf = TinyCheckpoint.llama().write(temp.resolve("hf"));
        try (OnnxModel model = OnnxModel.load(TestModels.export(hf, temp.resolve("onnx")),
                EngineOptions.defaults().withMaxContextLength(12))) {
            int[] ids = new Random(5).ints(12, 0, 64).toArray();
            float[][] all;
            try (DecoderSession session = model.newSession()) {
                all = session.forward(ids, 0);
                assertThat(session.position()).isEqualTo(12);
            }
            try (DecoderSession session = model.newSession()) {
                float[] first = session.prefill(Arrays.copyOf(ids, 4));
                float[] kept = first.clone();
                assertThat(maxAbsDiff(first, all[3])).isLessThan(CACHE_TOLERANCE);
                for (int t = 4; t < ids.length; t++) {
                    assertThat(maxAbsDiff(session.decode(ids[t]), all[t])).as("position %d", t)
                            .isLessThan(CACHE_TOLERANCE);
                }
                assertThat(first).containsExactly(kept);
                assertThat(session.position()).isEqualTo(session.capacity());
            }
        }
    }

    @Test
    void concurrent_sessions_on_one_model_do_not_interfere() throws Exception {
        Path hf = TinyCheckpoint.llama().write(temp.resolve("hf"));
        try (OnnxModel model = OnnxModel.load(TestModels.export(hf, temp.resolve("onnx")), EngineOptions.defaults())) {
            int[][] prompts = new int[6][];
            int[][] sequential = new int[6][];
            for (int i = 0; i < prompts.length; i++) {
                prompts[i] = new Random(i).ints(3 + i, 0, 64).toArray();
                sequential[i] = greedy(model, prompts[i], 10);
            }
            ExecutorService pool = Executors.newFixedThreadPool(3);
            try {
                @SuppressWarnings("unchecked")
                Future<int[]>[] futures = new Future[prompts.length];
                for (int i = 0; i < prompts.length; i++) {
                    int[] prompt = prompts[i];
                    futures[i] = pool.submit(() -> greedy(model, prompt, 10));
                }
                for (int i = 0; i < prompts.length; i++) {
                    assertThat(futures[i].get()).as("prompt %d", i).containsExactly(sequential[i]);
                }
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Test
    void a_chunk_past_the_context_fails_before_running_the_model() throws IOException {
        Path hf = TinyCheckpoint.llama().write(temp.resolve("hf"));
        try (OnnxModel model = OnnxModel.load(TestModels.export(hf, temp.resolve("onnx")),
                EngineOptions.defaults().withMaxContextLength(16))) {
            assertThat(model.contextLength()).isEqualTo(16);
            try (DecoderSession session = model.newSession()) {
                assertThatThrownBy(() -> session.prefill(new int[16]))
                        .isInstanceOf(PromptTooLongException.class)
                        .hasMessageContaining("16 tokens");
                assertThat(session.position()).isZero();
                session.prefill(new int[15]);
                session.decode(3);
                assertThatThrownBy(() -> session.decode(3)).isInstanceOf(IllegalStateException.class)
                        .hasMessageContaining("full");
            }
        }
    }

    private static int[] greedy(OnnxModel model, int[] prompt, int steps) {
        int[] out = new int[steps];
        try (DecoderSession session = model.newSession()) {
            float[] logits = session.prefill(prompt);
            for (int i = 0; i < steps; i++) {
                out[i] = TokenSelector.greedy().select(logits);
                if (i + 1 < steps) {
                    logits = session.decode(out[i]);
                }
            }
        }
        return out;
    }

    private static double maxAbsDiff(float[] a, float[] b) {
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs(a[i] - b[i]));
        }
        return max;
    }

    private static double maxAbsDiff(float[] a, double[] b) {
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs(a[i] - b[i]));
        }
        return max;
    }
}
