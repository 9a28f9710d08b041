package dev.titans4j.t2.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.titans4j.t2.TestModels;
import dev.titans4j.t2.tokenizer.ModelTokenizer;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * TinyStories-656K, a second real model (only {@code lm_head.weight} stored, tied; a byte-fallback BPE with a
 * {@code Prepend ▁} normalizer and merges across spaces), exported at fp32 and run through the runtime: the prompt
 * ids from its tokenizer and the greedy continuation from the {@link Generator} equal the Hugging Face tokenizer's
 * ids and the independent float64 forward pass's ids in {@code reference_outputs.json} (Hugging Face
 * {@code generate} semantics: 64 new tokens, stop after EOS). Every reference step's margin is above 0.02, so
 * float32 must pick the same token at every step.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TinyStoriesReferenceTest {

    private static final int EOS = 2;

    private OnnxModel model;
    private ModelTokenizer tokenizer;
    private JsonNode reference;

    @BeforeAll
    void load() throws IOException {
        reference = new ObjectMapper().readTree(
                TestModels.tinyStories656KSource().resolve("reference_outputs.json").toFile());
        model = OnnxModel.load(TestModels.tinyStories656K(), EngineOptions.defaults().withIntraOpThreads(1));
        tokenizer = ModelTokenizer.load(TestModels.tinyStories656K(), model.manifest());
    }

    @AfterAll
    void close() {
        if (model != null) { // null when @BeforeAll skipped for missing shared data
            model.close();
            tokenizer.close();
        }
    }

    @Test
    void promptIdsAndGreedyIdsMatchTheReference() {
        Generator generator = new Generator(model, tokenizer);
        int checked = 0;
        for (Iterator<Map.Entry<String, JsonNode>> it = reference.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> run = it.next();
            if (run.getKey().startsWith("_")) {
                continue;
            }
            String prompt = run.getKey();
            int[] expectedPrompt = StoriesReferenceTest.ints(run.getValue().get("prompt_ids"));
            int[] expected = StoriesReferenceTest.ints(run.getValue().get("greedy_ids_64"));
            assertThat(run.getValue().get("min_margin").asDouble()).as("exact match is expected").isGreaterThan(0.02);

            int[] promptIds = tokenizer.encode(prompt);
            assertThat(promptIds).as(prompt).containsExactly(expectedPrompt);
            List<String> pieces = new ArrayList<>();
            GenerationResult result = generator.generate(new GenerationRequest(promptIds, 64, Set.of(EOS), List.of()),
                    TokenSelector.greedy(), pieces::add, () -> false);
            assertThat(result.outputIds()).as(prompt).containsExactly(StoriesReferenceTest.boxed(expected));
            assertThat(result.stopReason()).isEqualTo(expected[expected.length - 1] == EOS
                    ? StopReason.END_OF_SEQUENCE : StopReason.MAX_OUTPUT_TOKENS);
            assertThat(String.join("", pieces)).isEqualTo(result.text())
                    .isEqualTo(tokenizer.decode(expected).stripLeading());
            checked++;
        }
        assertThat(checked).isEqualTo(2);
    }
}
