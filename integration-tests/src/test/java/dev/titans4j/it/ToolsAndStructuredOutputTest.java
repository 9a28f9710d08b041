package dev.titans4j.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.langchain4j.agent.tool.P;
import dev.langchain4j.agent.tool.ReturnBehavior;
import dev.langchain4j.agent.tool.Tool;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ResponseFormatType;
import dev.langchain4j.model.chat.request.ToolChoice;
import dev.langchain4j.service.AiServices;
import dev.langchain4j.service.Result;
import dev.langchain4j.service.UserMessage;
import dev.langchain4j.service.tool.ToolExecution;
import dev.titans4j.it.testing.RecordingChatModel;
import dev.titans4j.it.testing.Stories260K;
import dev.titans4j.t2.OnnxChatEngine;
import dev.titans4j.t2.OnnxChatModel;
import dev.titans4j.t2.OnnxChatRequestParameters;
import dev.titans4j.t2.constrain.ConstraintLimits;
import dev.titans4j.t2.engine.EngineOptions;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * AiServices tools and structured output on stories260K. A model this small cannot choose well, but constrained
 * decoding makes every answer well-formed: a record return type always parses, and with tool choice REQUIRED the
 * model always calls one of the offered tools with arguments of the declared types, which AiServices executes.
 */
class ToolsAndStructuredOutputTest {

    /** Bounds that keep answers inside stories260K's 512-token context. */
    static final ConstraintLimits LIMITS = ConstraintLimits.builder().maxStringBytes(12).maxArrayItems(2)
            .maxWhitespace(1).maxDepth(8).maxIntegerDigits(3).maxFractionDigits(2).build();

    enum Mood { HAPPY, SAD, SCARED }

    record Character(String name, int age, Mood mood) {
    }

    interface CharacterExtractor {
        Character extract(@UserMessage String story);
    }

    /** One call of a tool as the tool itself saw it. */
    record Call(String tool, Object argument) {
    }

    /** Tools that record what they were called with; IMMEDIATE: the service returns the tool's result. */
    static final class StoryTools {
        final List<Call> calls = new CopyOnWriteArrayList<>();

        @Tool(value = "Counts the words of a text", returnBehavior = ReturnBehavior.IMMEDIATE)
        int countWords(@P("the text") String text) {
            calls.add(new Call("countWords", text));
            return text.isBlank() ? 0 : text.strip().split("\\s+").length;
        }

        @Tool(value = "Gives the weather for a day number", returnBehavior = ReturnBehavior.IMMEDIATE)
        String weather(@P("day of the month") int day) {
            calls.add(new Call("weather", day));
            return day % 2 == 0 ? "sunny" : "rainy";
        }
    }

    interface ToolUser {
        Result<String> ask(@UserMessage String request);
    }

    private static OnnxChatEngine engine;

    @BeforeAll
    static void load(@TempDir Path dir) {
        engine = OnnxChatEngine.load(Stories260K.export(dir), EngineOptions.defaults().withIntraOpThreads(1));
    }

    @AfterAll
    static void close() {
        if (engine != null) {
            engine.close();
        }
    }

    static OnnxChatModel model() {
        return OnnxChatModel.builder().engine(engine).temperature(0.0).maxOutputTokens(96).constraintLimits(LIMITS)
                .build();
    }

    /** For AiServices' chatRequestTransformer: every request that offers tools must call one. */
    static ChatRequest requireToolCall(ChatRequest request) {
        List<?> tools = request.parameters().toolSpecifications();
        if (tools == null || tools.isEmpty()) {
            return request;
        }
        return request.toBuilder().parameters(OnnxChatRequestParameters.builder().overrideWith(request.parameters())
                .toolChoice(ToolChoice.REQUIRED).build()).build();
    }

    @Test
    void aRecordReturnTypeIsAnsweredWithJsonOfItsSchema() throws Exception {
        RecordingChatModel model = new RecordingChatModel(model());
        CharacterExtractor extractor = AiServices.builder(CharacterExtractor.class).chatModel(model).build();

        Character character = extractor.extract("Once upon a time there was a girl named Lily. She was three.");

        // the record is what the model wrote: JSON of the schema AiServices asked for (fields are optional there)
        String json = model.responses().get(0).aiMessage().text();
        JsonNode answer = new ObjectMapper().readTree(json);
        assertThat(answer.isObject()).as(json).isTrue();
        answer.fieldNames().forEachRemaining(field -> assertThat(field).isIn("name", "age", "mood"));
        assertThat(character).isNotNull();
        assertThat(character.name()).isEqualTo(answer.has("name") ? answer.get("name").asText() : null);
        assertThat(character.age()).isEqualTo(answer.has("age") ? answer.get("age").intValue() : 0);
        assertThat(character.mood()).isEqualTo(answer.has("mood") ? Mood.valueOf(answer.get("mood").asText()) : null);
        assertThat(answer.has("age") || answer.has("mood") || answer.has("name")).as(json).isTrue();
        ChatRequest request = model.lastRequest();
        assertThat(request.parameters().responseFormat().type()).isEqualTo(ResponseFormatType.JSON);
        assertThat(request.parameters().responseFormat().jsonSchema().rootElement().toString())
                .contains("name").contains("age").contains("mood");
    }

    @Test
    void requiredToolChoiceMakesTheModelCallAToolThatAiServicesExecutes() throws Exception {
        StoryTools tools = new StoryTools();
        ToolUser user = AiServices.builder(ToolUser.class).chatModel(model()).tools(tools)
                .chatRequestTransformer(ToolsAndStructuredOutputTest::requireToolCall).build();

        Result<String> result = user.ask("Once upon a time");

        assertThat(tools.calls).as("exactly one forced call").hasSize(1);
        assertThat(result.toolExecutions()).hasSize(1);
        ToolExecution execution = result.toolExecutions().get(0);
        Call call = tools.calls.get(0);
        assertThat(execution.request().name()).isEqualTo(call.tool());
        JsonNode arguments = new ObjectMapper().readTree(execution.request().arguments());
        assertThat(arguments.size()).as("the one declared parameter, required: " + arguments).isEqualTo(1);
        JsonNode argument = arguments.elements().next();
        if (call.tool().equals("countWords")) {
            String text = (String) call.argument();
            assertThat(argument.isTextual()).isTrue();
            assertThat(argument.asText()).isEqualTo(text);
            assertThat(execution.result()).isEqualTo(String.valueOf(text.isBlank() ? 0
                    : text.strip().split("\\s+").length));
        } else {
            assertThat(argument.isIntegralNumber()).isTrue();
            assertThat(argument.asInt()).isEqualTo(call.argument());
            assertThat(execution.result()).isEqualTo((int) call.argument() % 2 == 0 ? "sunny" : "rainy");
        }
    }
}
