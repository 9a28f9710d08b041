package dev.titans4j.t2.constrain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.Schema;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.request.ResponseFormat;
import dev.langchain4j.model.chat.request.ResponseFormatType;
import dev.langchain4j.model.chat.request.json.JsonArraySchema;
import dev.langchain4j.model.chat.request.json.JsonBooleanSchema;
import dev.langchain4j.model.chat.request.json.JsonEnumSchema;
import dev.langchain4j.model.chat.request.json.JsonIntegerSchema;
import dev.langchain4j.model.chat.request.json.JsonNullSchema;
import dev.langchain4j.model.chat.request.json.JsonNumberSchema;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.chat.request.json.JsonAnyOfSchema;
import dev.langchain4j.model.chat.request.json.JsonSchema;
import dev.langchain4j.model.chat.request.json.JsonStringSchema;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.output.FinishReason;
import dev.titans4j.t2.OnnxChatEngine;
import dev.titans4j.t2.OnnxChatModel;
import dev.titans4j.t2.TestModels;
import dev.titans4j.t2.engine.EngineOptions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The case that used to fail: sampled answers (temperature 1) of stories260K under a nested schema with the
 * provider's default limits, cut by {@code maxOutputTokens}. Every answer must parse and validate at every cap;
 * an answer closed early says so with {@link FinishReason#LENGTH}. A cap below the smallest answer (65 tokens here:
 * stories260K's vocabulary has 512 tokens, so a 70-byte answer takes many) is refused up front.
 */
class ClosingAtTheTokenCapTest {

    private static final ObjectMapper JACKSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private static final int SEEDS = 50;
    private static OnnxChatEngine stories;

    static final JsonObjectSchema NESTED = JsonObjectSchema.builder()
            .addStringProperty("name")
            .addIntegerProperty("age")
            .addNumberProperty("score")
            .addBooleanProperty("ok")
            .addProperty("kind", JsonEnumSchema.builder().enumValues("a", "b", "c").build())
            .addProperty("pets", JsonArraySchema.builder().items(JsonObjectSchema.builder()
                    .addStringProperty("name")
                    .addIntegerProperty("legs")
                    .required("name", "legs")
                    .build()).build())
            .addProperty("note", JsonAnyOfSchema.builder().anyOf(new JsonStringSchema(), new JsonNullSchema()).build())
            .required("name", "age", "score", "ok", "kind", "pets", "note")
            .build();

    @BeforeAll
    static void load() {
        stories = OnnxChatEngine.load(TestModels.stories260K(), EngineOptions.defaults().withIntraOpThreads(1));
    }

    @AfterAll
    static void close() {
        if (stories != null) {
            stories.close();
        }
    }

    @Test
    void sampled_answers_parse_and_validate_at_every_cap_from_the_smallest_answer_to_400_tokens() throws Exception {
        Schema validator = JsonSchemaText.validator(NESTED);
        ResponseFormat format = ResponseFormat.builder().type(ResponseFormatType.JSON)
                .jsonSchema(JsonSchema.builder().name("story").rootElement(NESTED).build()).build();
        List<String> invalid = new ArrayList<>();
        int closedEarly = 0;
        int smallest = JsonConstraint.forSchema(NESTED)
                .withLimits(ConstraintLimits.builder().requireAllProperties(true).build())
                .start(stories.tokenVocabulary()).tokensToClose();
        assertThat(smallest).as("the smallest answer, in stories260K's tokens").isBetween(50, 100);
        int[] caps = {smallest, smallest + 1, smallest + 10, 100, 200, 400};
        for (int cap : caps) {
            for (long seed = 0; seed < SEEDS; seed++) {
                OnnxChatModel model = OnnxChatModel.builder().engine(stories).temperature(1.0).seed(seed)
                        .maxOutputTokens(cap).build();
                ChatResponse response = model.chat(ChatRequest.builder()
                        .messages(UserMessage.from("Once upon a time"))
                        .parameters(ChatRequestParameters.builder().responseFormat(format).build()).build());
                String json = response.aiMessage().text();
                assertThat(response.tokenUsage().outputTokenCount()).isLessThanOrEqualTo(cap);
                try {
                    JACKSON.readTree(json);
                    if (!JsonSchemaText.errors(validator, json).isEmpty()) {
                        invalid.add("cap " + cap + " seed " + seed + ": " + json);
                    }
                } catch (Exception e) {
                    invalid.add("cap " + cap + " seed " + seed + " (" + response.finishReason() + "): " + json);
                }
                if (response.finishReason() == FinishReason.LENGTH) {
                    closedEarly++;
                }
            }
        }
        assertThat(invalid).as("answers that do not parse or validate").isEmpty();
        System.out.printf("%d of %d answers closed early to fit their cap%n", closedEarly, caps.length * SEEDS);
        assertThat(closedEarly).as("the small caps do cut answers (else this test proves nothing)").isPositive();
    }

    @Test
    void a_cap_below_the_smallest_answer_is_refused_before_generating() {
        ResponseFormat format = ResponseFormat.builder().type(ResponseFormatType.JSON)
                .jsonSchema(JsonSchema.builder().name("story").rootElement(NESTED).build()).build();
        OnnxChatModel model = OnnxChatModel.builder().engine(stories).maxOutputTokens(50).build();
        assertThatThrownBy(() -> model.chat(ChatRequest.builder().messages(UserMessage.from("Once upon a time"))
                .parameters(ChatRequestParameters.builder().responseFormat(format).build()).build()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("the answer may take at most 50 tokens (maxOutputTokens), but the smallest"
                        + " answer the JSON schema or tool call allows takes about ")
                .hasMessageEndingWith(" tokens of model 'stories260K'");
    }
}
