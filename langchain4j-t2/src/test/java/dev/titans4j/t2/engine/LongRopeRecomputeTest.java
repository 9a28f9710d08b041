package dev.titans4j.t2.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.titans4j.t2.TestModels;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Phi-3 longrope through the runtime's own session: a prompt shorter than original_max_position_embeddings (16 in the
 * fixtures) whose generation crosses it gives transformers' output over the whole sequence (the exporter's
 * hf-fixtures/phi3-* {@code greedy_ids}), because the one decode step that crosses re-feeds the cached tokens
 * ({@code kvCache.recomputeBeyond}); keeping the short-rotated keys would give the fixture's {@code stale_cache_ids}.
 */
class LongRopeRecomputeTest {

    @TempDir
    Path temp;

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"phi3-longrope-mini", "phi3-longrope-partial-fused"})
    void decodingAcrossTheSwitchMatchesTransformers(String fixture) throws Exception {
        Path hf = HfFixtureRuntimeTest.FIXTURES.resolve(fixture);
        Assumptions.assumeTrue(Files.isRegularFile(hf.resolve("expected.json")),
                "hf-fixtures not found at " + hf.toAbsolutePath().normalize() + ": skipped");
        JsonNode crossing = null;
        for (JsonNode c : new ObjectMapper().readTree(hf.resolve("expected.json").toFile()).get("cases")) {
            if ("crosses".equals(c.get("case").asText())) {
                crossing = c;
            }
        }
        int[] prompt = StoriesReferenceTest.ints(crossing.get("prompt_ids"));
        int[] expected = StoriesReferenceTest.ints(crossing.get("greedy_ids"));
        assertThat(StoriesReferenceTest.ints(crossing.get("stale_cache_ids"))).isNotEqualTo(expected);
        try (OnnxModel model = OnnxModel.load(TestModels.export(hf, temp.resolve("onnx")),
                EngineOptions.defaults().withIntraOpThreads(1));
             DecoderSession session = model.newSession()) {
            assertThat(model.manifest().kvCache().recomputeBeyond()).isEqualTo(16);
            int[] generated = new int[expected.length];
            float[] logits = session.prefill(prompt);
            for (int i = 0; i < generated.length; i++) {
                generated[i] = TokenSelector.greedy().select(logits);
                if (i + 1 < generated.length) {
                    logits = session.decode(generated[i]);
                }
            }
            assertThat(generated).containsExactly(expected);
            assertThat(session.position()).isEqualTo(prompt.length + expected.length - 1);
        }
    }
}
