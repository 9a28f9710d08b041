package dev.titans4j.t2.svf;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.titans4j.t2.OnnxChatEngine;
import dev.titans4j.t2.OnnxChatModel;
import dev.titans4j.t2.OnnxChatRequestParameters;
import dev.titans4j.t2.TestModels;
import dev.titans4j.t2.engine.EngineOptions;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A NaN or infinite multiplier would make every logit NaN and the model answer garbage without any error: mixes and
 * requests that would carry one are refused with a message naming the weight or input, before the graph runs.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NonFiniteMultipliersTest {

    private OnnxChatEngine engine;
    private SvfAdapter adapter;
    private OnnxChatModel chat;

    @BeforeAll
    void load() {
        engine = OnnxChatEngine.load(TestModels.stories260K(), EngineOptions.defaults().withIntraOpThreads(1));
        adapter = SvfAdapter.forEngine(engine);
        chat = OnnxChatModel.builder().engine(engine).temperature(0.0).maxOutputTokens(4).build();
    }

    @AfterAll
    void close() {
        if (engine != null) { // null when @BeforeAll skipped for missing shared data
            engine.close();
        }
    }

    private SvfExpert expert(RescaleRule rule) {
        SvfExpert ones = SvfExpert.identity("ones", adapter.singularValues());
        return new SvfExpert("e", ValueKind.Z, rule, ones.base(), ones.values());
    }

    private ChatRequest request(SvfMultipliers multipliers) {
        return ChatRequest.builder().messages(UserMessage.from("Once upon a time"))
                .parameters(OnnxChatRequestParameters.builder().svfMultipliers(multipliers).build()).build();
    }

    @Test
    void a_nan_per_matrix_weight_is_refused_like_a_nan_expert_weight() {
        String weight = adapter.singularValues().matrices().keySet().iterator().next();
        assertThatThrownBy(() -> ExpertMix.of(List.of(expert(RescaleRule.NONE)), new double[] {1},
                Map.of(weight, new double[] {Double.NaN})))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(weight)
                .hasMessageContaining("NaN");
    }

    @Test
    void multipliers_that_overflow_float_are_refused_before_the_graph_runs() {
        // finite weights, but 1e300 · z is no float: the multiplier would be Infinity
        ExpertMix huge = ExpertMix.of(List.of(expert(RescaleRule.NONE)), new double[] {1e300});
        assertThatThrownBy(() -> chat.chat(request(adapter.multipliers(huge))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Infinity");
    }

    @Test
    void a_request_with_a_nan_multiplier_is_refused_naming_the_input() {
        SingularValues.Matrix matrix = adapter.singularValues().matrices().values().iterator().next();
        float[] values = new float[matrix.rank()];
        Arrays.fill(values, 1f);
        values[2] = Float.NaN;
        Map<String, float[]> byInput = new LinkedHashMap<>();
        byInput.put(matrix.input(), values);
        assertThatThrownBy(() -> chat.chat(request(SvfMultipliers.of(byInput))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(matrix.input())
                .hasMessageContaining("NaN");
        assertThatThrownBy(() -> engine.model().newSession(byInput))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(matrix.input());
    }
}
