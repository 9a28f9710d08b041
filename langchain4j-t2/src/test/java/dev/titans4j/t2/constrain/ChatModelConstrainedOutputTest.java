package dev.titans4j.t2.constrain;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.Schema;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.request.ResponseFormat;
import dev.langchain4j.model.chat.request.ResponseFormatType;
import dev.langchain4j.model.chat.request.ToolChoice;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.chat.request.json.JsonSchema;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.output.FinishReason;
import dev.titans4j.export.testing.TinyCheckpoint;
import dev.titans4j.t2.OnnxChatEngine;
import dev.titans4j.t2.OnnxChatModel;
import dev.titans4j.t2.TestModels;
import dev.titans4j.t2.engine.EngineOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The acceptance property of issue 4 end to end, through the real {@link OnnxChatModel} with sampling on: every
 * answer under a JSON-schema response format parses (Jackson, no trailing content) and validates against its schema
 * (networknt, from LangChain4j's own schema conversion), for every schema of {@link SchemaCorpus}, on stories260K and
 * on a random-weight Llama export; and every forced tool call ({@code ToolChoice.REQUIRED}) parses into calls whose
 * arguments validate against the tool's parameters.
 */
class ChatModelConstrainedOutputTest {

    /** Small bounds so that answers fit stories260K's 512-token context. */
    static final ConstraintLimits LIMITS = ConstraintLimits.builder().maxStringBytes(16).maxArrayItems(3)
            .maxWhitespace(1).maxDepth(16).maxIntegerDigits(5).maxFractionDigits(3).build();
    /** Tighter for forced tool calls: the syntax allows up to four calls in one answer. */
    static final ConstraintLimits TOOL_LIMITS = ConstraintLimits.builder().maxStringBytes(8).maxArrayItems(2)
            .maxWhitespace(1).maxDepth(12).maxIntegerDigits(4).maxFractionDigits(2).build();
    private static final ObjectMapper JACKSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private static final int SEEDS = 2;

    @TempDir
    static Path temp;
    private static OnnxChatEngine stories;
    private static OnnxChatEngine random;

    @BeforeAll
    static void load() throws IOException {
        stories = OnnxChatEngine.load(TestModels.stories260K(), EngineOptions.defaults().withIntraOpThreads(1));
        Path hf = TinyCheckpoint.llama().hidden(128).intermediate(256).layers(2).heads(4).kvHeads(2).vocab(512)
                .maxPositions(1024).eosTokenIds(2).seed(11).write(temp.resolve("hf"));
        TinyCheckpoint.copyTokenizer(TestModels.stories260KSource(), hf);
        random = OnnxChatEngine.load(TestModels.export(hf, temp.resolve("onnx")),
                EngineOptions.defaults().withIntraOpThreads(1));
    }

    @AfterAll
    static void close() {
        if (stories != null) {
            stories.close();
        }
        if (random != null) {
            random.close();
        }
    }

    static Stream<Arguments> cases() {
        return SchemaCorpus.all().stream().flatMap(e -> Stream.of(Arguments.of("stories260K", e),
                Arguments.of("random", e)));
    }

    private static OnnxChatModel model(String name, long seed, ConstraintLimits limits) {
        return OnnxChatModel.builder().engine(name.equals("random") ? random : stories).temperature(1.0)
                .seed(seed).constraintLimits(limits).build();
    }

    @Test
    void the_corpus_has_at_least_thirty_schemas() {
        assertThat(SchemaCorpus.all()).hasSizeGreaterThanOrEqualTo(30);
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void json_schema_answers_always_parse_and_validate(String modelName, SchemaCorpus.Entry entry) throws Exception {
        Schema validator = JsonSchemaText.validator(entry.schema());
        ResponseFormat format = ResponseFormat.builder().type(ResponseFormatType.JSON)
                .jsonSchema(JsonSchema.builder().name("answer").rootElement(entry.schema()).build()).build();
        for (long seed = 0; seed < SEEDS; seed++) {
            ChatResponse response = model(modelName, seed, LIMITS).chat(ChatRequest.builder()
                    .messages(UserMessage.from("Once upon a time"))
                    .parameters(ChatRequestParameters.builder().responseFormat(format).build()).build());
            String json = response.aiMessage().text();
            assertThat(response.finishReason()).as("%s seed %d: %s", entry, seed, json).isEqualTo(FinishReason.STOP);
            JACKSON.readTree(json);
            assertThat(JsonSchemaText.errors(validator, json)).as("%s seed %d: %s", entry, seed, json).isEmpty();
        }
    }

    static Stream<Arguments> toolCases() {
        return SchemaCorpus.all().stream().filter(e -> e.schema() instanceof JsonObjectSchema)
                .limit(12).flatMap(e -> Stream.of(Arguments.of("stories260K", e), Arguments.of("random", e)));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("toolCases")
    void forced_tool_calls_always_parse_and_their_arguments_validate(String modelName, SchemaCorpus.Entry entry)
            throws Exception {
        JsonObjectSchema parameters = (JsonObjectSchema) entry.schema();
        ToolSpecification tool = ToolSpecification.builder().name("tool_a").parameters(parameters).build();
        ToolSpecification other = ToolSpecification.builder().name("tool_b").build();
        Schema validator = JsonSchemaText.validator(parameters);
        for (long seed = 0; seed < SEEDS; seed++) {
            ChatResponse response = model(modelName, seed, TOOL_LIMITS).chat(ChatRequest.builder()
                    .messages(UserMessage.from("Once upon a time"))
                    .parameters(ChatRequestParameters.builder().toolSpecifications(tool, other)
                            .toolChoice(ToolChoice.REQUIRED).build()).build());
            assertThat(response.finishReason()).as("%s seed %d", entry, seed).isEqualTo(FinishReason.TOOL_EXECUTION);
            List<ToolExecutionRequest> calls = response.aiMessage().toolExecutionRequests();
            assertThat(calls).isNotEmpty();
            for (ToolExecutionRequest call : calls) {
                if (call.name().equals("tool_a")) {
                    assertThat(JsonSchemaText.errors(validator, call.arguments())).as("%s: %s", entry, call).isEmpty();
                } else {
                    assertThat(call.name()).isEqualTo("tool_b");
                    assertThat(call.arguments()).isEqualTo("{}");
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.ValueSource(strings = {"stories260K", "random"})
    void optional_tools_with_a_json_schema_give_a_valid_call_or_valid_json(String modelName) throws Exception {
        // these models happen to pick the JSON; EitherConstraintTest covers both branches with uniform random walks
        SchemaCorpus.Entry entry = SchemaCorpus.all().get(0);
        JsonObjectSchema parameters = JsonObjectSchema.builder().addStringProperty("city").required("city").build();
        ToolSpecification tool = ToolSpecification.builder().name("weather").parameters(parameters).build();
        Schema answerValidator = JsonSchemaText.validator(entry.schema());
        Schema argumentsValidator = JsonSchemaText.validator(parameters);
        ResponseFormat format = ResponseFormat.builder().type(ResponseFormatType.JSON)
                .jsonSchema(JsonSchema.builder().name("answer").rootElement(entry.schema()).build()).build();
        for (long seed = 0; seed < 12; seed++) {
            ChatResponse response = model(modelName, seed, TOOL_LIMITS).chat(ChatRequest.builder()
                    .messages(UserMessage.from("Once upon a time"))
                    .parameters(ChatRequestParameters.builder().toolSpecifications(tool).responseFormat(format)
                            .build()).build());
            if (response.finishReason() == FinishReason.TOOL_EXECUTION) {
                ToolExecutionRequest call = response.aiMessage().toolExecutionRequests().get(0);
                assertThat(call.name()).isEqualTo("weather");
                assertThat(JsonSchemaText.errors(argumentsValidator, call.arguments())).isEmpty();
            } else {
                assertThat(response.finishReason()).isEqualTo(FinishReason.STOP);
                String json = response.aiMessage().text();
                JACKSON.readTree(json);
                assertThat(JsonSchemaText.errors(answerValidator, json)).as(json).isEmpty();
            }
        }
    }
}
