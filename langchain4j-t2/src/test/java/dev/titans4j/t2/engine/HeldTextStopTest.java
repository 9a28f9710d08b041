package dev.titans4j.t2.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.titans4j.t2.TestModels;
import dev.titans4j.t2.tokenizer.IncrementalDecoder;
import dev.titans4j.t2.tokenizer.ModelTokenizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A stop sequence completed by text the detokenizer still held when generation ended (the byte pieces of a
 * character on stories260K's byte-fallback tokenizer) cuts the text there and ends with {@link
 * StopReason#STOP_SEQUENCE}, not as a cut-off ({@code FinishReason.LENGTH} for a chat).
 */
class HeldTextStopTest {

    @Test
    void a_stop_completed_by_held_bytes_at_the_token_limit_is_a_stop_sequence() {
        try (OnnxModel model = OnnxModel.load(TestModels.stories260K(),
                EngineOptions.defaults().withIntraOpThreads(1));
             ModelTokenizer tokenizer = ModelTokenizer.load(TestModels.stories260K(), model.manifest())) {
            int[] forced = tokenizer.encodeRaw(" the caf\u4e2d");
            IncrementalDecoder bytes = tokenizer.newIncrementalDecoder();
            StringBuilder released = new StringBuilder();
            for (int id : forced) {
                released.append(bytes.push(id));
            }
            assertThat(released).as("U+4E2D is spelled in bytes, held until the end").doesNotContain("\u4e2d");
            TokenSelector replay = new TokenSelector() {
                int next;

                @Override
                public int select(float[] logits) {
                    return forced[next++];
                }
            };
            List<String> pieces = new ArrayList<>();
            GenerationResult result = new Generator(model, tokenizer).generate(
                    new GenerationRequest(tokenizer.encode("Once upon a time"), forced.length, Set.of(),
                            List.of("caf\u4e2d")), replay, pieces::add, () -> false);
            assertThat(result.outputIds()).hasSize(forced.length);
            assertThat(result.text()).isEqualTo(" the ");
            assertThat(String.join("", pieces)).isEqualTo(" the ");
            assertThat(result.stopReason()).isEqualTo(StopReason.STOP_SEQUENCE);
        }
    }
}
