package dev.titans4j.t2.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.titans4j.t2.TestModels;
import dev.titans4j.t2.tokenizer.ModelTokenizer;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A token id outside the model's vocabulary fails with one clear line before the model runs: past the end, ONNX
 * Runtime's Gather would fail deep inside the graph, and a negative id would silently embed a token counted from the
 * end of the table (Gather's negative indices).
 */
class TokenIdRangeTest {

    private final EngineOptions options = EngineOptions.defaults().withIntraOpThreads(1);

    @Test
    void a_session_refuses_ids_outside_the_vocabulary_before_running_the_model() {
        try (OnnxModel model = OnnxModel.load(TestModels.tinyStories656K(), options);
             DecoderSession session = model.newSession()) {
            int vocab = model.vocabSize();
            assertThatThrownBy(() -> session.prefill(new int[] {1, vocab}))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("Token id " + vocab + " at index 1 is outside the model's vocabulary of " + vocab
                            + " ids");
            assertThatThrownBy(() -> session.prefill(new int[] {1, -1}))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("Token id -1 at index 1 is outside the model's vocabulary of " + vocab + " ids");
            assertThat(session.position()).isZero();
            session.prefill(new int[] {1, 5});
            assertThatThrownBy(() -> session.decode(vocab + 3)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("Token id " + (vocab + 3) + " ");
            assertThat(session.position()).isEqualTo(2);
        }
    }

    @Test
    void a_prompt_with_an_id_outside_the_vocabulary_fails_before_waiting_for_the_kv_budget() {
        long oneRequest = 2L * 2 * 4 * 16 * 512 * 4; // 2 x layers x kvHeads x headDim x context x fp32
        try (OnnxModel model = OnnxModel.load(TestModels.tinyStories656K(), options.withKvCacheBytes(oneRequest));
             ModelTokenizer tokenizer = ModelTokenizer.load(TestModels.tinyStories656K(), model.manifest());
             KvBudget.Lease held = model.kvBudget().admit(() -> false)) {
            GenerationRequest request = new GenerationRequest(new int[] {1, 400, model.vocabSize() + 1}, 5, Set.of(),
                    List.of());
            AtomicInteger polls = new AtomicInteger(); // gives up waiting after about a second
            assertThatThrownBy(() -> new Generator(model, tokenizer).generate(request, TokenSelector.greedy(),
                    p -> { }, () -> polls.incrementAndGet() > 50))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("Token id " + (model.vocabSize() + 1) + " at index 2 ");
        }
    }
}
