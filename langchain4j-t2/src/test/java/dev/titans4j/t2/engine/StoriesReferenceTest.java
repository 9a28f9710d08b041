package dev.titans4j.t2.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.titans4j.t2.TestModels;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The engine against llama2.c's own outputs for stories260K (an independent C implementation, see the README in
 * {@code shared/models/stories260K}): greedy ids through prefill + KV-cache decode, and teacher-forced logits.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StoriesReferenceTest {

    private OnnxModel model;
    private JsonNode reference;

    @BeforeAll
    void load() throws IOException {
        model = OnnxModel.load(TestModels.stories260K(), EngineOptions.defaults().withIntraOpThreads(1));
        reference = new ObjectMapper().readTree(
                TestModels.stories260KSource().resolve("reference_outputs.json").toFile());
    }

    @AfterAll
    void close() {
        if (model != null) { // null when @BeforeAll skipped for missing shared data
            model.close();
        }
    }

    @Test
    void greedy_decoding_with_kv_cache_reproduces_llama2c_token_ids() {
        for (String name : List.of("once_upon_a_time", "empty")) {
            JsonNode run = reference.get(name);
            int[] prompt = ints(run.get("prompt_ids"));
            int[] expected = ints(run.get("no_bos_stop_generated_ids"));

            List<Integer> generated = new ArrayList<>();
            try (DecoderSession session = model.newSession()) {
                float[] logits = session.prefill(prompt);
                for (int i = 0; i < expected.length; i++) {
                    int next = TokenSelector.greedy().select(logits);
                    generated.add(next);
                    if (i + 1 < expected.length) {
                        logits = session.decode(next);
                    }
                }
                assertThat(session.position()).isEqualTo(prompt.length + expected.length - 1);
            }
            assertThat(generated).as(name).containsExactly(boxed(expected));
        }
    }

    @Test
    void teacher_forced_logits_match_llama2c_within_float_rounding() throws IOException {
        JsonNode run = reference.get("once_upon_a_time");
        int[] prompt = ints(run.get("prompt_ids"));
        int[] generated = ints(run.get("generated_ids"));
        int[] tokens = new int[64];
        System.arraycopy(prompt, 0, tokens, 0, prompt.length);
        System.arraycopy(generated, 0, tokens, prompt.length, 64 - prompt.length);

        float[] expected = floats(TestModels.stories260KSource()
                .resolve("reference_teacher_forced_logits_once_upon_a_time_64x512.f32"));
        float[][] actual;
        try (DecoderSession session = model.newSession()) {
            actual = session.forward(tokens, 0);
        }
        assertThat(actual).hasNumberOfRows(64);
        double maxDiff = 0;
        for (int t = 0; t < 64; t++) {
            for (int v = 0; v < 512; v++) {
                maxDiff = Math.max(maxDiff, Math.abs(actual[t][v] - expected[t * 512 + v]));
            }
        }
        assertThat(maxDiff).isCloseTo(0, within(5e-5)); // measured 1.7e-5 (float32 rounding)
    }

    @Test
    void sessions_reuse_pooled_caches_and_start_from_position_zero() {
        int[] prompt = ints(reference.get("once_upon_a_time").get("prompt_ids"));
        float[] first;
        try (DecoderSession session = model.newSession()) {
            first = session.prefill(prompt);
            session.decode(TokenSelector.greedy().select(first));
        }
        assertThat(model.idleCaches()).isGreaterThanOrEqualTo(1);
        try (DecoderSession session = model.newSession()) {
            assertThat(session.position()).isZero();
            assertThat(session.prefill(prompt)).containsExactly(first);
        }
    }

    static int[] ints(JsonNode array) {
        int[] out = new int[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).asInt();
        }
        return out;
    }

    static Integer[] boxed(int[] values) {
        Integer[] out = new Integer[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = values[i];
        }
        return out;
    }

    private static float[] floats(Path file) throws IOException {
        ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        float[] out = new float[bytes.remaining() / 4];
        bytes.asFloatBuffer().get(out);
        return out;
    }
}
