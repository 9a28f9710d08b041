package dev.titans4j.t2.chat;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.UserMessage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

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
     * Qwen3-Thinking-2507 changed Qwen3's template this way (QwQ's is Qwen2.5's changed the same way): no switch, and
     * a generation prompt that opens {@code <think>}. For a generation prompt the hand-written ChatML with
     * {@code <think>} opened renders what jinja2 renders, earlier answers' reasoning cut off as the template does.
     */
    @Test
    void chatMlThatOpensThinkInItsGenerationPromptOpensItToo() throws IOException {
        String qwen3 = JinjaChatFormatGoldenTest.text("qwen3.jinja");
        String noSwitch = qwen3.replace(QWEN3_GENERATION_PROMPT, "    {{- '<|im_start|>assistant\\n<think>\\n' }}\n");
        assertThat(noSwitch).isNotEqualTo(qwen3);

        assertThat(dev.titans4j.export.ChatFormat.detect(noSwitch)).isEqualTo(ChatMlFormat.NAME);
        ChatFormat format = ChatFormats.fromChatTemplate(noSwitch).orElseThrow();
        assertThat(format.thinks()).isTrue();
        assertThat(ChatMlFormat.opensThinking(qwen3)).isFalse();
        assertThat(ChatFormats.fromChatTemplate(JinjaChatFormatGoldenTest.text("qwen2.5.jinja")).orElseThrow()
                .thinks()).isFalse();
        JsonNode conversations = ChatFormatGoldenTest.read("conversations.json");
        JsonNode goldens = ChatFormatGoldenTest.read("goldens.json").get("qwen3");
        for (String conversation : List.of("single_user", "system_and_turns", "no_system_multi_turn",
                "whitespace_and_unicode", "earlier_reasoning", "tool_round_trip",
                "tool_call_with_text")) {
            List<ChatMessage> chat = ChatFormatGoldenTest.messages(conversations.get(conversation));
            assertThat(format.render(chat, true)).as(conversation)
                    .isEqualTo(goldens.get(conversation + "|gen").asText() + "<think>\n")
                    .isEqualTo(format.render(chat, List.of(), true, false));
        }
        // an earlier answer with its reasoning left in the text: the template keeps what follows </think>
        assertThat(format.render(List.of(UserMessage.from("Hi"),
                AiMessage.from("<think>\nA greeting.\n</think>\n\nHello!"), UserMessage.from("Bye")), true))
                .isEqualTo("<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\nHello!<|im_end|>\n"
                        + "<|im_start|>user\nBye<|im_end|>\n<|im_start|>assistant\n<think>\n");

        // an export whose manifest says chatml reads the variant from the model folder's template
        Path folder = Files.createTempDirectory("titans4j-chatml-think");
        try {
            Files.writeString(folder.resolve("tokenizer_config.json"), new ObjectMapper().createObjectNode()
                    .put("chat_template", noSwitch).toString());
            assertThat(ChatFormats.forManifest(ChatFormatTest.manifest("chatml", "qwen3", false), folder).thinks())
                    .isTrue();
        } finally {
            Files.delete(folder.resolve("tokenizer_config.json"));
            Files.delete(folder);
        }
    }
}
