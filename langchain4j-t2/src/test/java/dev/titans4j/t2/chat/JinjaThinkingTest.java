package dev.titans4j.t2.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.UserMessage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Reasoning in templates no thinking family's hand-written format covers. {@link JinjaChatFormat} passes the thinking
 * switch as {@code enable_thinking} (lines of Qwen3's real template render as jinja2 renders the whole template,
 * {@code goldens.json} by {@code render_goldens.py}), and real templates without the switch render exactly as without
 * it. ChatML whose generation prompt opens {@code <think>} (as QwQ's and Qwen3-Thinking-2507's do) is {@code chatml}
 * opening {@code <think>}.
 */
class JinjaThinkingTest {

    /** The end of Qwen3's template: its generation prompt, with the empty block that switches thinking off. */
    private static final String QWEN3_GENERATION_PROMPT = """
                {{- '<|im_start|>assistant\\n' }}
                {%- if enable_thinking is defined and enable_thinking is false %}
                    {{- '<think>\\n\\n</think>\\n\\n' }}
                {%- endif %}
            """;
    /** Qwen3's turn of a user, system or earlier assistant message. */
    private static final String QWEN3_TURN =
            "{{- '<|im_start|>' + message.role + '\\n' + message.content + '<|im_end|>' + '\\n' }}";

    /**
     * Jinjava cannot run Qwen3's whole template ({@code messages[::-1]}, and {@code namespace(n=x|length - 1)} binds
     * the {@code - 1} to the parameter), so its own lines for plain turns and the generation prompt are rendered here.
     */
    @Test
    void theThinkingSwitchReachesTheTemplateAsEnableThinking() throws IOException {
        String qwen3 = JinjaChatFormatGoldenTest.text("qwen3.jinja");
        assertThat(qwen3).contains(QWEN3_GENERATION_PROMPT).contains(QWEN3_TURN);
        JinjaChatFormat format = new JinjaChatFormat("{%- for message in messages %}\n        " + QWEN3_TURN
                + "\n{%- endfor %}\n{%- if add_generation_prompt %}\n" + QWEN3_GENERATION_PROMPT + "{%- endif %}\n",
                "", "<|im_end|>");
        JsonNode conversations = ChatFormatGoldenTest.read("conversations.json");
        JsonNode goldens = ChatFormatGoldenTest.read("goldens.json").get("qwen3");
        for (String conversation : List.of("single_user", "system_and_turns", "no_system_multi_turn")) {
            List<ChatMessage> chat = ChatFormatGoldenTest.messages(conversations.get(conversation));
            String on = goldens.get(conversation + "|gen").asText();
            assertThat(format.render(chat, List.of(), true, true)).isEqualTo(on);
            assertThat(format.render(chat, true)).as("unset: the template's default").isEqualTo(on);
            assertThat(format.render(chat, List.of(), true, false))
                    .isEqualTo(goldens.get(conversation + "|gen|nothink").asText())
                    .isEqualTo(on + "<think>\n\n</think>\n\n");
        }
        assertThat(format.thinks()).isTrue();
    }

    static Stream<Arguments> templatesWithoutTheSwitch() throws IOException {
        return JinjaChatFormatGoldenTest.goldens().filter(a -> {
            Object family = a.get()[0];
            return family.equals("deepseek-r1-distill-qwen") || family.equals("gemma3") || family.equals("phi-4-mini")
                    || family.equals("qwen2.5");
        }).filter(a -> !((JsonNode) a.get()[4]).has("error"));
    }

    @ParameterizedTest(name = "{0} {1} generationPrompt={2}")
    @MethodSource("templatesWithoutTheSwitch")
    void aTemplateWithoutTheSwitchRendersTheSameWithItSet(String family, String conversation,
                                                          boolean generationPrompt, JsonNode messages,
                                                          JsonNode expected) throws IOException {
        JinjaChatFormat format = JinjaChatFormatGoldenTest.format(family);
        List<ChatMessage> chat = ChatFormatGoldenTest.messages(messages);

        assertThat(format.render(chat, List.of(), generationPrompt, true)).isEqualTo(expected.asText());
        assertThat(format.render(chat, List.of(), generationPrompt, false)).isEqualTo(expected.asText());
        // only DeepSeek-R1-Distill's template handles <think>: it opens the reasoning in its generation prompt
        assertThat(format.thinks()).isEqualTo(family.equals("deepseek-r1-distill-qwen"));
    }

    /**
     * ChatML whose generation prompt opens {@code <think>}, as two real templates were changed to it
     * ({@code thinking-goldens.json} by {@code render_thinking_goldens.py}, rendered by jinja2): Qwen3-Thinking-2507
     * is Qwen3's with its switch replaced by that prompt, and keeps the reasoning inside the current tool loop;
     * QwQ is Qwen2.5's without its default system prompt and cuts every answer, tool calls included, to what follows
     * its last {@code </think>}. The hand-written {@code chatml} opening {@code <think>} renders every conversation
     * as jinja2 does, with and without a generation prompt.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"qwen3-thinking", "qwq"})
    void chatMlThatOpensThinkInItsGenerationPromptRendersAsItsTemplate(String variant) throws IOException {
        JsonNode goldens = ChatFormatGoldenTest.read("thinking-goldens.json");
        String template = goldens.get(variant).get("template").asText();
        assertThat(dev.titans4j.export.ChatFormat.detect(template)).isEqualTo(ChatMlFormat.NAME);
        assertThat(ChatMlFormat.opensThinking(template)).isTrue();
        assertThat(ChatMlFormat.keepsToolLoopReasoning(template)).isEqualTo(variant.equals("qwen3-thinking"));
        ChatFormat format = ChatFormats.fromChatTemplate(template).orElseThrow();
        assertThat(format.thinks()).isTrue();

        JsonNode conversations = ChatFormatGoldenTest.read("conversations.json");
        JsonNode extra = goldens.get("extra_conversations");
        JsonNode renders = goldens.get(variant).get("renders");
        assertThat(renders.size()).isEqualTo(2 * (conversations.size() + extra.size()));
        for (Iterator<String> keys = renders.fieldNames(); keys.hasNext(); ) {
            String key = keys.next();
            String name = key.substring(0, key.indexOf('|'));
            boolean generationPrompt = key.endsWith("|gen");
            List<ChatMessage> chat = ChatFormatGoldenTest.messages(conversations.has(name) ? conversations.get(name)
                    : extra.get(name));
            assertThat(format.render(chat, generationPrompt)).as(key)
                    .isEqualTo(renders.get(key).asText())
                    .isEqualTo(format.render(chat, List.of(), generationPrompt, false));
        }
    }

    /** Qwen3-Thinking-2507's template is Qwen3's with only the generation prompt changed: so are their renders. */
    @Test
    void qwen3ThinkingRendersAsQwen3WithThinkOpened() throws IOException {
        String qwen3 = JinjaChatFormatGoldenTest.text("qwen3.jinja");
        String thinking = ChatFormatGoldenTest.read("thinking-goldens.json").get("qwen3-thinking").get("template")
                .asText();
        assertThat(thinking).isEqualTo(qwen3.replace(QWEN3_GENERATION_PROMPT,
                "    {{- '<|im_start|>assistant\\n<think>\\n' }}\n"));
        assertThat(ChatMlFormat.opensThinking(qwen3)).isFalse();
        assertThat(ChatFormats.fromChatTemplate(JinjaChatFormatGoldenTest.text("qwen2.5.jinja")).orElseThrow()
                .thinks()).isFalse();
        ChatFormat format = ChatFormats.fromChatTemplate(thinking).orElseThrow();
        JsonNode conversations = ChatFormatGoldenTest.read("conversations.json");
        JsonNode goldens = ChatFormatGoldenTest.read("goldens.json").get("qwen3");
        for (Iterator<String> names = conversations.fieldNames(); names.hasNext(); ) {
            String conversation = names.next();
            List<ChatMessage> chat = ChatFormatGoldenTest.messages(conversations.get(conversation));
            assertThat(format.render(chat, true)).as(conversation)
                    .isEqualTo(goldens.get(conversation + "|gen").asText() + "<think>\n");
            assertThat(format.render(chat, false)).isEqualTo(goldens.get(conversation + "|nogen").asText());
        }
        assertThatThrownBy(() -> new ChatMlFormat(ChatMlFormat.QWEN_DEFAULT_SYSTEM_PROMPT, true, true))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void anExportWhoseManifestSaysChatMlReadsTheVariantFromItsTemplate() throws IOException {
        JsonNode goldens = ChatFormatGoldenTest.read("thinking-goldens.json").get("qwen3-thinking");
        String noSwitch = goldens.get("template").asText();
        List<ChatMessage> toolLoop = ChatFormatGoldenTest.messages(ChatFormatGoldenTest.read("conversations.json")
                .get("reasoning_in_tool_loop"));
        Path folder = Files.createTempDirectory("titans4j-chatml-think");
        try {
            Files.writeString(folder.resolve("tokenizer_config.json"), new ObjectMapper().createObjectNode()
                    .put("chat_template", noSwitch).toString());
            ChatFormat format = ChatFormats.forManifest(ChatFormatTest.manifest("chatml", "qwen3", false), folder);
            assertThat(format.thinks()).isTrue();
            assertThat(format.render(toolLoop, true))
                    .isEqualTo(goldens.get("renders").get("reasoning_in_tool_loop|gen").asText());
        } finally {
            Files.delete(folder.resolve("tokenizer_config.json"));
            Files.delete(folder);
        }
    }
}
