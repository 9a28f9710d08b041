package dev.titans4j.t2.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.titans4j.t2.TestModels;
import dev.titans4j.t2.tokenizer.ModelTokenizer;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Closing a model while another thread generates ends that generation with a clear error, not a native crash. */
class ModelLifecycleTest {

    @Test
    void close_during_generation_fails_the_next_run_cleanly() throws Exception {
        OnnxModel model = OnnxModel.load(TestModels.stories260K(), EngineOptions.defaults().withIntraOpThreads(1));
        CountDownLatch running = new CountDownLatch(1);
        CompletableFuture<Throwable> failure = new CompletableFuture<>();
        Thread generator = new Thread(() -> {
            try (DecoderSession session = model.newSession()) {
                float[] logits = session.prefill(new int[] {1, 403, 407, 261, 378});
                running.countDown();
                while (session.position() < session.capacity()) {
                    logits = session.decode(TokenSelector.greedy().select(logits));
                }
                failure.complete(null);
            } catch (Throwable t) {
                failure.complete(t);
            }
        });
        generator.start();
        assertThat(running.await(30, TimeUnit.SECONDS)).isTrue();
        model.close();

        Throwable error = failure.get(30, TimeUnit.SECONDS);
        assertThat(error).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
        assertThatThrownBy(model::newSession).isInstanceOf(IllegalStateException.class);
        model.close(); // idempotent
    }

    /**
     * A request whose last token is picked just after the model closed still ends normally (it needs no further
     * run), but its sequence is not kept: close() emptied the prefix cache, and nothing may fill it again.
     */
    @Test
    void a_request_ending_after_close_keeps_nothing_in_the_prefix_cache() {
        OnnxModel model = OnnxModel.load(TestModels.stories260K(), EngineOptions.defaults().withIntraOpThreads(1));
        try (ModelTokenizer tokenizer = ModelTokenizer.load(TestModels.stories260K(), model.manifest())) {
            TokenSelector greedy = TokenSelector.greedy();
            GenerationResult result = new Generator(model, tokenizer).generate(
                    new GenerationRequest(new int[] {1, 403, 407, 261, 378}, 3, Set.of(), List.of()),
                    new TokenSelector() {
                        int picks;

                        @Override
                        public int select(float[] logits) {
                            if (++picks == 3) {
                                model.close();
                            }
                            return greedy.select(logits);
                        }
                    }, piece -> { }, () -> false);
            assertThat(result.stopReason()).isEqualTo(StopReason.MAX_OUTPUT_TOKENS);
            assertThat(model.prefixCache().entryCount()).isZero();
            assertThat(model.prefixCache().bytes()).isZero();
        } finally {
            model.close();
        }
    }

    @Test
    void a_new_request_reuses_the_step_buffers_and_gets_the_same_logits() {
        try (OnnxModel model = OnnxModel.load(TestModels.stories260K(),
                EngineOptions.defaults().withIntraOpThreads(1))) {
            int[] prompt = {1, 403, 407, 261, 378};
            StepTensors first;
            float[] expected;
            try (DecoderSession a = model.newSession()) {
                first = a.stepTensors();
                expected = a.decode(TokenSelector.greedy().select(a.prefill(prompt)));
                try (DecoderSession concurrent = model.newSession()) {
                    assertThat(concurrent.stepTensors()).as("a concurrent session has its own").isNotSameAs(first);
                }
            }
            try (DecoderSession b = model.newSession()) {
                assertThat(b.stepTensors()).isSameAs(first);
                assertThat(b.decode(TokenSelector.greedy().select(b.prefill(prompt)))).containsExactly(expected);
            }
        }
    }
}
