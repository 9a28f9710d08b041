package dev.titans4j.t2.chat;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each format renders exactly what the model family's real Hugging Face chat template renders. The reference,
 * {@code chat-templates/goldens.json}, was produced by jinja2 from the original templates ({@code *.jinja} beside
 * it) by {@code render_goldens.py}, the way transformers' apply_chat_template runs them. The format is found from
 * the template text itself, as the runtime does.
 */
class ChatFormatGoldenTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, String> TEMPLATE_FILES = Map.ofEntries(
            Map.entry("qwen2.5", "qwen2.5.jinja"), Map.entry("smollm2", "smollm2.jinja"),
            Map.entry("llama3", "llama3.jinja"), Map.entry("llama3.2", "llama3.2.jinja"),
            Map.entry("mistral", "mistral-v0.2.jinja"), Map.entry("qwen3", "qwen3.jinja"),
            Map.entry("smollm3", "smollm3.jinja"), Map.entry("gemma3", "gemma3.jinja"),
            Map.entry("phi3", "phi-3.5-mini.jinja"), Map.entry("phi4-mini", "phi-4-mini.jinja"));
    /** The format each template must be recognised as. */
    private static final Map<String, String> FORMAT_NAMES = Map.ofEntries(
            Map.entry("qwen2.5", "chatml"), Map.entry("smollm2", "chatml"), Map.entry("llama3", "llama3"),
            Map.entry("llama3.2", "llama3"), Map.entry("mistral", "mistral"), Map.entry("qwen3", "qwen3"),
            Map.entry("smollm3", "smollm3"), Map.entry("gemma3", "gemma3"), Map.entry("phi3", "phi3"),
            Map.entry("phi4-mini", "phi4-mini"));

    static Stream<Arguments> goldens() throws IOException {
        JsonNode conversations = read("conversations.json");
        JsonNode goldens = read("goldens.json");
        List<Arguments> cases = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> families = goldens.fields(); families.hasNext(); ) {
            Map.Entry<String, JsonNode> family = families.next();
            for (Iterator<Map.Entry<String, JsonNode>> it = family.getValue().fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> golden = it.next();
                String[] key = golden.getKey().split("\\|");
                boolean thinking = key.length < 3; // "|nothink": rendered with enable_thinking=false
                cases.add(Arguments.of(family.getKey(), key[0], key[1].equals("gen"), thinking,
                        conversations.get(key[0]), golden.getValue().asText()));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} {1} generationPrompt={2} thinking={3}")
    @MethodSource("goldens")
    void rendersLikeTheRealTemplate(String family, String conversation, boolean generationPrompt, boolean thinking,
                                    JsonNode messages, String expected) throws IOException {
        ChatFormat format = ChatFormats.fromChatTemplate(template(family)).orElseThrow();
        assertThat(format.name()).isEqualTo(FORMAT_NAMES.get(family));
        if (family.equals("llama3.2")) {
            // The template dates its system turn with strftime_now; the goldens were rendered with a fixed date.
            assertThat(format).hasToString("llama3 (dated: today)");
            format = Llama3Format.withDate("26 Jul 2024");
        }
        if (family.equals("smollm3")) {
            assertThat(format).hasToString("smollm3 (dated: today)");
            format = SmolLm3Format.withDate("26 July 2024");
        }
        String rendered = thinking ? format.render(messages(messages), generationPrompt)
                : format.render(messages(messages), List.of(), generationPrompt, false);
        assertThat(format.thinks()).isEqualTo(family.equals("qwen3") || family.equals("smollm3"));
        assertThat(rendered).isEqualTo(expected);
    }

    private static String template(String family) throws IOException {
        try (InputStream in = resource(TEMPLATE_FILES.get(family))) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** The same conversation as LangChain4j messages. */
    static List<ChatMessage> messages(JsonNode conversation) {
        List<ChatMessage> out = new ArrayList<>();
        for (JsonNode m : conversation) {
            String content = m.get("content").asText();
            switch (m.get("role").asText()) {
                case "system" -> out.add(SystemMessage.from(content));
                case "user" -> out.add(UserMessage.from(content));
                case "assistant" -> {
                    List<ToolExecutionRequest> calls = new ArrayList<>();
                    for (JsonNode c : m.path("tool_calls")) {
                        calls.add(ToolExecutionRequest.builder().id(c.get("id").asText()).name(c.get("name").asText())
                                .arguments(c.get("arguments").asText()).build());
                    }
                    String thinking = m.has("reasoning_content") ? m.get("reasoning_content").asText() : null;
                    out.add(AiMessage.builder().text(calls.isEmpty() || !content.isEmpty() ? content : null)
                            .thinking(thinking).toolExecutionRequests(calls).build());
                }
                case "tool" -> out.add(ToolExecutionResultMessage.from(m.get("tool_call_id").asText(),
                        m.get("name").asText(), content));
                default -> throw new IllegalArgumentException(m.toString());
            }
        }
        return out;
    }

    static JsonNode read(String name) throws IOException {
        try (InputStream in = resource(name)) {
            return JSON.readTree(in);
        }
    }

    static InputStream resource(String name) {
        InputStream in = ChatFormatGoldenTest.class.getResourceAsStream("/chat-templates/" + name);
        if (in == null) {
            throw new IllegalStateException("test resource chat-templates/" + name + " is missing");
        }
        return in;
    }
}
