package dev.titans4j.t2.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.json.JsonEnumSchema;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.chat.request.json.JsonStringSchema;
import dev.titans4j.t2.chat.ChatFormat;
import dev.titans4j.t2.chat.ChatMlFormat;
import dev.titans4j.t2.chat.Llama3Format;
import dev.titans4j.t2.chat.MistralFormat;
import dev.titans4j.t2.chat.Qwen3Format;
import dev.titans4j.t2.chat.SmolLm3Format;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * Tool prompts against the models' own templates: Qwen2.5 and Llama 3.2 goldens are rendered from the real
 * templates with jinja2 ({@code chat-templates/render_tool_goldens.py}); Mistral v0.3's are written from its
 * template's text (the template is not in this repository) and were checked against a jinja2 rendering of it.
 */
class ToolPromptGoldenTest {

    static final ToolSpecification WEATHER = ToolSpecification.builder().name("get_weather")
            .description("Current weather in a city")
            .parameters(JsonObjectSchema.builder()
                    .addProperty("city", JsonStringSchema.builder().description("City name").build())
                    .addProperty("unit", JsonEnumSchema.builder().enumValues("celsius", "fahrenheit").build())
                    .required("city").build())
            .build();
    static final ToolSpecification TIME = ToolSpecification.builder().name("current_time").build();
    static final List<ToolSpecification> TOOLS = List.of(WEATHER, TIME);

    static final ToolExecutionRequest CALL = ToolExecutionRequest.builder().id("abc123XYZ").name("get_weather")
            .arguments("{\"city\":\"Paris\",\"unit\":\"celsius\"}").build();
    static final ToolExecutionRequest CALL2 = ToolExecutionRequest.builder().id("def456UVW").name("current_time")
            .arguments("{}").build();

    static final Map<String, List<ChatMessage>> CONVERSATIONS = Map.of(
            "offer", List.of(UserMessage.from("What's the weather in Paris?")),
            "offer_with_system", List.of(SystemMessage.from("You are terse."),
                    UserMessage.from("What's the weather in Paris?")),
            "round_trip", List.of(SystemMessage.from("You are terse."), UserMessage.from("What's the weather in Paris?"),
                    AiMessage.from(List.of(CALL)),
                    ToolExecutionResultMessage.from(CALL, "22 degrees, sunny")),
            "parallel_round_trip", List.of(UserMessage.from("Weather in Paris, and the time?"),
                    AiMessage.from(List.of(CALL, CALL2)),
                    ToolExecutionResultMessage.from(CALL, "22 degrees"),
                    ToolExecutionResultMessage.from(CALL2, "10:00")));

    private static final String MISTRAL_TOOLS = "[AVAILABLE_TOOLS] [{\"type\": \"function\", \"function\": {\"name\": \"get_weather\", \"description\": \"Current weather in a city\", \"parameters\": {\"type\": \"object\", \"properties\": {\"city\": {\"type\": \"string\", \"description\": \"City name\"}, \"unit\": {\"type\": \"string\", \"enum\": [\"celsius\", \"fahrenheit\"]}}, \"required\": [\"city\"]}}}, {\"type\": \"function\", \"function\": {\"name\": \"current_time\", \"parameters\": {\"type\": \"object\", \"properties\": {}}}}][/AVAILABLE_TOOLS]";

    /** Mistral v0.3's template output; round_trip differs on purpose (see MistralFormat: the system prompt stays). */
    static final Map<String, String> MISTRAL = Map.of(
            "offer", "<s>" + MISTRAL_TOOLS + "[INST] What's the weather in Paris?[/INST]",
            "offer_with_system", "<s>" + MISTRAL_TOOLS + "[INST] You are terse.\n\nWhat's the weather in Paris?[/INST]",
            "round_trip", "<s>" + MISTRAL_TOOLS + "[INST] You are terse.\n\nWhat's the weather in Paris?[/INST]"
                    + "[TOOL_CALLS] [{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\", \"unit\": \"celsius\"}, "
                    + "\"id\": \"abc123XYZ\"}]</s>"
                    + "[TOOL_RESULTS] {\"content\": 22 degrees, sunny, \"call_id\": \"abc123XYZ\"}[/TOOL_RESULTS]",
            "parallel_round_trip", "<s>" + MISTRAL_TOOLS + "[INST] Weather in Paris, and the time?[/INST][TOOL_CALLS] [{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\", \"unit\": \"celsius\"}, \"id\": \"abc123XYZ\"}, {\"name\": \"current_time\", \"arguments\": {}, \"id\": \"def456UVW\"}]</s>[TOOL_RESULTS] {\"content\": 22 degrees, \"call_id\": \"abc123XYZ\"}[/TOOL_RESULTS][TOOL_RESULTS] {\"content\": 10:00, \"call_id\": \"def456UVW\"}[/TOOL_RESULTS]");

    private static JsonNode goldens() throws IOException {
        try (InputStream in = ToolPromptGoldenTest.class.getResourceAsStream("/chat-templates/tool-goldens.json")) {
            return new ObjectMapper().readTree(in);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"offer", "offer_with_system", "round_trip", "parallel_round_trip"})
    void qwen25_tool_prompts_match_its_template(String conversation) throws IOException {
        ChatFormat qwen = new ChatMlFormat(ChatMlFormat.QWEN_DEFAULT_SYSTEM_PROMPT);
        assertThat(qwen.render(CONVERSATIONS.get(conversation), TOOLS, true))
                .isEqualTo(goldens().path("qwen2.5").path(conversation).asText());
    }

    /** The Jinja fallback offers tools as the real template does: tojson of the signatures and call arguments. */
    @ParameterizedTest
    @ValueSource(strings = {"offer", "offer_with_system", "round_trip", "parallel_round_trip"})
    void qwen25_template_rendered_by_the_jinja_fallback_offers_tools_like_jinja2(String conversation)
            throws IOException {
        String template;
        try (InputStream in = ToolPromptGoldenTest.class.getResourceAsStream("/chat-templates/qwen2.5.jinja")) {
            template = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
        ChatFormat jinja = new dev.titans4j.t2.chat.JinjaChatFormat(template, "", "<|im_end|>");
        assertThat(jinja.render(CONVERSATIONS.get(conversation), TOOLS, true))
                .isEqualTo(goldens().path("qwen2.5").path(conversation).asText());
    }

    @ParameterizedTest
    @ValueSource(strings = {"offer", "offer_with_system", "round_trip", "parallel_round_trip"})
    void qwen3_tool_prompts_match_its_template(String conversation) throws IOException {
        assertThat(new Qwen3Format().render(CONVERSATIONS.get(conversation), TOOLS, true))
                .isEqualTo(goldens().path("qwen3").path(conversation).asText());
    }

    /** SmolLM3's template drops the calls of earlier answers (their text is empty here) and keeps the results. */
    @ParameterizedTest
    @ValueSource(strings = {"offer", "offer_with_system", "round_trip", "parallel_round_trip"})
    void smollm3_tool_prompts_match_its_template(String conversation) throws IOException {
        assertThat(SmolLm3Format.withDate("26 July 2024").render(CONVERSATIONS.get(conversation), TOOLS, true))
                .isEqualTo(goldens().path("smollm3").path(conversation).asText());
    }

    @ParameterizedTest
    @ValueSource(strings = {"offer", "offer_with_system", "round_trip"})
    void llama32_tool_prompts_match_its_template(String conversation) throws IOException {
        ChatFormat llama = Llama3Format.withDate("26 Jul 2024");
        assertThat(llama.render(CONVERSATIONS.get(conversation), TOOLS, true))
                .isEqualTo(goldens().path("llama3.2").path(conversation).asText());
    }

    @ParameterizedTest
    @ValueSource(strings = {"offer", "offer_with_system", "round_trip", "parallel_round_trip"})
    void mistral_v03_tool_prompts_match_its_template(String conversation) {
        assertThat(new MistralFormat().render(CONVERSATIONS.get(conversation), TOOLS, true))
                .isEqualTo(MISTRAL.get(conversation));
    }

    @Test
    void llama32_needs_a_user_message_for_the_tools() {
        assertThatThrownBy(() -> Llama3Format.withDate("26 Jul 2024").render(
                List.of(SystemMessage.from("sys")), TOOLS, true))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("first user message");
        assertThatThrownBy(() -> new MistralFormat().render(List.of(SystemMessage.from("sys")), TOOLS, true))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("has none");
    }

    @Test
    void without_tools_the_prompts_are_unchanged() {
        List<ChatMessage> chat = List.of(SystemMessage.from("s"), UserMessage.from("u"));
        for (ChatFormat f : List.of(new ChatMlFormat(), Llama3Format.withDate("26 Jul 2024"), new MistralFormat(),
                new Qwen3Format(), SmolLm3Format.withDate("26 July 2024"))) {
            assertThat(f.render(chat, List.of(), true)).isEqualTo(f.render(chat, true));
        }
    }
}
