package dev.titans4j.t2.tools;

import static dev.titans4j.t2.tools.ToolPromptGoldenTest.TOOLS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.model.chat.request.json.JsonArraySchema;
import dev.langchain4j.model.chat.request.json.JsonIntegerSchema;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.titans4j.t2.constrain.ConstrainedDecoder;
import dev.titans4j.t2.constrain.TokenVocabulary;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Parsing each family's tool calls from model output, and the errors for malformed output. */
class ToolCallParsingTest {

    private static final ToolSyntaxFixture HERMES = new ToolSyntaxFixture(ToolCallSyntax.hermes());
    private static final ToolSyntaxFixture LLAMA = new ToolSyntaxFixture(ToolCallSyntax.llama3());
    private static final ToolSyntaxFixture MISTRAL = new ToolSyntaxFixture(ToolCallSyntax.mistral());

    /** Token id b = the single byte b; id 256 = end of sequence. */
    private static final TokenVocabulary BYTES = byteVocabulary();

    private static TokenVocabulary byteVocabulary() {
        List<byte[]> tokens = new ArrayList<>();
        for (int b = 0; b < 256; b++) {
            tokens.add(new byte[] {(byte) b});
        }
        tokens.add(null);
        return TokenVocabulary.of(tokens, Set.of(256), 256);
    }

    record ToolSyntaxFixture(ToolCallSyntax syntax) {
        ParsedAnswer parse(String answer) {
            return syntax.parse(answer, TOOLS);
        }
    }

    @Test
    void hermes_reads_several_calls_with_text_before_them() {
        ParsedAnswer a = HERMES.parse("Let me check.\n<tool_call>\n{\"name\": \"get_weather\", \"arguments\": "
                + "{\"city\": \"Paris\"}}\n</tool_call>\n<tool_call>\n{\"name\": \"current_time\", \"arguments\": {}}\n"
                + "</tool_call>");
        assertThat(a.text()).isEqualTo("Let me check.");
        assertThat(a.toolCalls()).extracting(ToolExecutionRequest::name).containsExactly("get_weather", "current_time");
        assertThat(a.toolCalls().get(0).arguments()).isEqualTo("{\"city\":\"Paris\"}");
        assertThat(a.toolCalls().get(1).arguments()).isEqualTo("{}");
        assertThat(a.toolCalls()).extracting(ToolExecutionRequest::id).doesNotHaveDuplicates()
                .allSatisfy(id -> assertThat(id).matches("[A-Za-z0-9]{9}"));
    }

    @Test
    void hermes_reads_every_call_of_one_tag_and_refuses_what_follows_a_call() {
        ParsedAnswer a = HERMES.parse("<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\"}}\n"
                + "{\"name\": \"current_time\", \"arguments\": {}}\n</tool_call>");
        assertThat(a.toolCalls()).extracting(ToolExecutionRequest::name).containsExactly("get_weather", "current_time");
        assertThatThrownBy(() -> HERMES.parse("<tool_call>\n{\"name\": \"current_time\", \"arguments\": {}}\n"
                + "{\"name\": \"get_weather\", \n</tool_call>"))
                .isInstanceOf(ToolCallException.class).hasMessageContaining("not valid JSON");
    }

    @Test
    void hermes_end_tag_inside_an_argument_string_does_not_end_the_call() {
        String answer = "<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"a</tool_call>\\\"\"}}"
                + "\n</tool_call>";
        // the forced-call grammar takes the tag as string content, so a constrained answer may hold it
        ConstrainedDecoder forced = ToolCallSyntax.hermes().requiredCallConstraint(TOOLS).start(BYTES);
        for (byte b : answer.getBytes(StandardCharsets.UTF_8)) {
            forced.accept(b & 0xFF);
        }
        assertThat(forced.isComplete()).isTrue();
        assertThat(HERMES.parse(answer).toolCalls()).singleElement()
                .satisfies(c -> assertThat(c.arguments()).isEqualTo("{\"city\":\"a</tool_call>\\\"\"}"));
        assertThatThrownBy(() -> HERMES.parse("<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"a}}"
                + "\n</tool_call>")).isInstanceOf(ToolCallException.class)
                .hasMessageContaining("has no </tool_call> outside its JSON strings");
    }

    @Test
    void text_without_calls_stays_text_exactly() {
        assertThat(HERMES.parse("  It is sunny. <tool_ but no call\n")).isEqualTo(
                new ParsedAnswer("  It is sunny. <tool_ but no call\n", List.of()));
        assertThat(LLAMA.parse("{\"answer\": 42}").text()).isEqualTo("{\"answer\": 42}");
        assertThat(LLAMA.parse("{\"name\": \"Klaus\", \"age\": 37}").text()).isEqualTo("{\"name\": \"Klaus\", \"age\": 37}");
        assertThat(LLAMA.parse("{\"name\": \"Klaus\", \"age\": 3").text()).isEqualTo("{\"name\": \"Klaus\", \"age\": 3");
        assertThat(LLAMA.parse("Sunny.").text()).isEqualTo("Sunny.");
        assertThat(MISTRAL.parse("[1, 2]").text()).isEqualTo("[1, 2]");
        assertThat(MISTRAL.parse("[{\"name\": \"Klaus\"}]").text()).isEqualTo("[{\"name\": \"Klaus\"}]");
    }

    @Test
    void llama_reads_parameters_and_several_calls() {
        ParsedAnswer a = LLAMA.parse("{\"name\": \"get_weather\", \"parameters\": {\"city\": \"Paris\", \"unit\": "
                + "\"celsius\"}}; {\"name\": \"current_time\", \"parameters\": {}}");
        assertThat(a.text()).isNull();
        assertThat(a.toolCalls()).extracting(ToolExecutionRequest::name).containsExactly("get_weather", "current_time");
        assertThat(a.toolCalls().get(0).arguments()).isEqualTo("{\"city\":\"Paris\",\"unit\":\"celsius\"}");
    }

    @Test
    void llama_keeps_a_semicolon_after_a_brace_inside_an_argument_string() {
        ParsedAnswer a = LLAMA.parse("{\"name\": \"get_weather\", \"parameters\": {\"city\": \"a};b\"}};"
                + "{\"name\": \"current_time\", \"parameters\": {}}");
        assertThat(a.toolCalls()).extracting(ToolExecutionRequest::name).containsExactly("get_weather", "current_time");
        assertThat(a.toolCalls().get(0).arguments()).isEqualTo("{\"city\":\"a};b\"}");
    }

    @Test
    void mistral_reads_a_call_list_with_or_without_its_marker_and_keeps_ids() {
        String list = "[{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Oslo\"}, \"id\": \"abc123XYZ\"}]";
        for (String answer : List.of("[TOOL_CALLS] " + list, list)) {
            ParsedAnswer a = MISTRAL.parse(answer);
            assertThat(a.toolCalls()).singleElement().satisfies(c -> {
                assertThat(c.id()).isEqualTo("abc123XYZ");
                assertThat(c.arguments()).isEqualTo("{\"city\":\"Oslo\"}");
            });
        }
    }

    @Test
    void mistral_reads_every_call_list_and_refuses_text_after_the_calls() {
        String weather = "[{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Oslo\"}}]";
        String time = "[{\"name\": \"current_time\", \"arguments\": {}}]";
        for (String answer : List.of("[TOOL_CALLS] " + weather + " " + time, weather + time)) {
            assertThat(MISTRAL.parse(answer).toolCalls()).extracting(ToolExecutionRequest::name)
                    .containsExactly("get_weather", "current_time");
        }
        assertThatThrownBy(() -> MISTRAL.parse("[TOOL_CALLS] " + weather + " Done."))
                .isInstanceOf(ToolCallException.class).hasMessageContaining("not valid JSON");
    }

    @Test
    void unterminated_calls_fail_with_the_output_quoted() {
        assertThatThrownBy(() -> HERMES.parse("<tool_call>\n{\"name\": \"get_weather\", \"argu"))
                .isInstanceOf(ToolCallException.class)
                .hasMessageContaining("cut off before </tool_call>").hasMessageContaining("\"argu");
        assertThatThrownBy(() -> HERMES.parse("<tool_call>\n{\"name\": \"get_weather\", \n</tool_call>"))
                .isInstanceOf(ToolCallException.class).hasMessageContaining("not valid JSON");
        assertThatThrownBy(() -> LLAMA.parse("{\"name\": \"get_weather\", \"parameters\": {\"city\""))
                .isInstanceOf(ToolCallException.class).hasMessageContaining("not valid JSON");
        assertThatThrownBy(() -> MISTRAL.parse("[TOOL_CALLS] [{\"name\": \"get_weather\""))
                .isInstanceOf(ToolCallException.class).hasMessageContaining("not valid JSON");
    }

    @Test
    void unknown_tools_fail_naming_the_offered_ones() {
        assertThatThrownBy(() -> HERMES.parse("<tool_call>\n{\"name\": \"launch\", \"arguments\": {}}\n</tool_call>"))
                .isInstanceOf(ToolCallException.class)
                .hasMessage("the model called an unknown tool 'launch'; offered tools: [get_weather, current_time]");
        assertThatThrownBy(() -> MISTRAL.parse("[TOOL_CALLS] {\"nom\": 1}"))
                .isInstanceOf(ToolCallException.class).hasMessageContaining("expected a JSON list");
    }

    @Test
    void wrong_argument_types_fail_naming_the_argument() {
        assertThatThrownBy(() -> HERMES.parse(
                "<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": 42}}\n</tool_call>"))
                .isInstanceOf(ToolCallException.class)
                .hasMessageContaining("argument 'city': expected a string, got 42");
        assertThatThrownBy(() -> LLAMA.parse(
                "{\"name\": \"get_weather\", \"parameters\": {\"city\": \"Paris\", \"unit\": \"kelvin\"}}"))
                .isInstanceOf(ToolCallException.class)
                .hasMessageContaining("argument 'unit': expected one of [celsius, fahrenheit], got \"kelvin\"");
        assertThatThrownBy(() -> LLAMA.parse("{\"name\": \"get_weather\", \"parameters\": {\"unit\": \"celsius\"}}"))
                .isInstanceOf(ToolCallException.class).hasMessageContaining("required argument 'city' is missing");
        assertThatThrownBy(() -> LLAMA.parse("{\"name\": \"get_weather\"}"))
                .isInstanceOf(ToolCallException.class).hasMessageContaining("required argument 'city' is missing");
        assertThatThrownBy(() -> LLAMA.parse("{\"name\": \"launch\", \"parameters\": {}}"))
                .isInstanceOf(ToolCallException.class).hasMessageContaining("unknown tool 'launch'");
        ToolSpecification sum = ToolSpecification.builder().name("sum").parameters(JsonObjectSchema.builder()
                .addProperty("xs", JsonArraySchema.builder().items(new JsonIntegerSchema()).build())
                .required("xs").additionalProperties(false).build()).build();
        assertThatThrownBy(() -> ToolCallSyntax.hermes().parse(
                "<tool_call>{\"name\": \"sum\", \"arguments\": {\"xs\": [1, 2.5]}}</tool_call>", List.of(sum)))
                .hasMessageContaining("argument 'xs[1]': expected an integer, got 2.5");
        assertThatThrownBy(() -> ToolCallSyntax.hermes().parse(
                "<tool_call>{\"name\": \"sum\", \"arguments\": {\"xs\": [], \"ys\": 1}}</tool_call>", List.of(sum)))
                .hasMessageContaining("argument 'ys' is not a parameter; expected [xs]");
    }

    @Test
    void null_or_blank_arguments_are_a_call_without_arguments() {
        for (String arguments : List.of("null", "\"\"", "\" \"")) {
            ParsedAnswer a = HERMES.parse("<tool_call>{\"name\": \"current_time\", \"arguments\": " + arguments
                    + "}</tool_call>");
            assertThat(a.toolCalls()).singleElement().satisfies(c -> assertThat(c.arguments()).isEqualTo("{}"));
        }
        assertThatThrownBy(() -> HERMES.parse("<tool_call>{\"name\": \"get_weather\", \"arguments\": null}</tool_call>"))
                .isInstanceOf(ToolCallException.class).hasMessageContaining("required argument 'city' is missing");
    }

    @Test
    void arguments_written_as_a_json_string_are_accepted() {
        ParsedAnswer a = HERMES.parse("<tool_call>{\"name\": \"get_weather\", \"arguments\": \"{\\\"city\\\": \\\"Rome\\\"}\"}"
                + "</tool_call>");
        assertThat(a.toolCalls().get(0).arguments()).isEqualTo("{\"city\":\"Rome\"}");
    }
}
