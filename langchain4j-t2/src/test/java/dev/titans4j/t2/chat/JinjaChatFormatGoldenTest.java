package dev.titans4j.t2.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.langchain4j.exception.UnsupportedFeatureException;
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
 * {@link JinjaChatFormat} renders real Hugging Face chat templates exactly as jinja2 does in transformers'
 * apply_chat_template. References: {@code jinja-goldens.json} (families with no hand-written format: Phi-4-mini,
 * Gemma 3, DeepSeek-R1-Distill-Qwen; a conversation the template refuses is recorded with its
 * {@code raise_exception} message) by {@code render_jinja_goldens.py}, and {@code goldens.json} (the hand-written
 * families' templates, rendered here by the engine instead) by {@code render_goldens.py}.
 */
class JinjaChatFormatGoldenTest {

    /** name: template file, bos_token, eos_token (as the golden scripts pass them). */
    private static final Map<String, String[]> TEMPLATES = Map.of(
            "phi-4-mini", new String[] {"phi-4-mini.jinja", "<|endoftext|>", "<|endoftext|>"},
            "gemma3", new String[] {"gemma3.jinja", "<bos>", "<eos>"},
            "deepseek-r1-distill-qwen", new String[] {"deepseek-r1-distill-qwen.jinja", "<｜begin▁of▁sentence｜>",
                    "<｜end▁of▁sentence｜>"},
            "qwen2.5", new String[] {"qwen2.5.jinja", "", "<|im_end|>"},
            "smollm2", new String[] {"smollm2.jinja", "", "<|im_end|>"},
            "llama3", new String[] {"llama3.jinja", "<|begin_of_text|>", "<|eot_id|>"},
            "llama3.2", new String[] {"llama3.2.jinja", "<|begin_of_text|>", "<|eot_id|>"},
            "mistral", new String[] {"mistral-v0.2.jinja", "<s>", "</s>"});

    static Stream<Arguments> goldens() throws IOException {
        JsonNode conversations = ChatFormatGoldenTest.read("conversations.json");
        List<Arguments> cases = new ArrayList<>();
        for (String file : List.of("jinja-goldens.json", "goldens.json")) {
            JsonNode goldens = ChatFormatGoldenTest.read(file);
            for (Iterator<Map.Entry<String, JsonNode>> families = goldens.fields(); families.hasNext(); ) {
                Map.Entry<String, JsonNode> family = families.next();
                if (!TEMPLATES.containsKey(family.getKey())) {
                    continue; // the thinking families' goldens carry a thinking switch this test does not pass
                }
                for (Iterator<Map.Entry<String, JsonNode>> it = family.getValue().fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> golden = it.next();
                    String[] key = golden.getKey().split("\\|");
                    cases.add(Arguments.of(family.getKey(), key[0], key[1].equals("gen"),
                            conversations.get(key[0]), golden.getValue()));
                }
            }
        }
        return cases.stream();
    }

    /**
     * Where Jinjava parses differently from jinja2, rendering fails with a message that says so (never a wrong
     * prompt): Llama 3.2's {@code not message.tool_calls|length == 1} binds {@code not} before {@code ==}.
     */
    private static final String PRECEDENCE_LIMIT =
            "the model's chat template cannot be rendered by the Java Jinja engine (Jinjava): Cannot coerce 'false' of"
                    + " class java.lang.Boolean to class java.lang.Long (incompatible type); if the model follows a"
                    + " hand-written format, name it as \"chatFormat\" in the export's manifest.json (smollm3, qwen3,"
                    + " chatml, llama3, mistral, gemma3, phi4-mini, phi3, plain)";
    private static final Map<String, String> ENGINE_LIMITS = Map.of(
            "llama3.2 tool_call_with_text", PRECEDENCE_LIMIT, "llama3.2 reasoning_in_tool_loop", PRECEDENCE_LIMIT);

    @ParameterizedTest(name = "{0} {1} generationPrompt={2}")
    @MethodSource("goldens")
    void rendersLikeJinja2(String family, String conversation, boolean generationPrompt, JsonNode messages,
                           JsonNode expected) throws IOException {
        JinjaChatFormat format = format(family);
        String limit = ENGINE_LIMITS.get(family + " " + conversation);
        if (limit != null) {
            assertThatThrownBy(() -> format.render(ChatFormatGoldenTest.messages(messages), generationPrompt))
                    .isInstanceOf(UnsupportedFeatureException.class).hasMessage(limit);
        } else if (expected.has("error")) {
            assertThatThrownBy(() -> format.render(ChatFormatGoldenTest.messages(messages), generationPrompt))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("the model's chat template refused the conversation: "
                            + expected.get("error").asText());
        } else {
            assertThat(format.render(ChatFormatGoldenTest.messages(messages), generationPrompt))
                    .isEqualTo(expected.asText());
        }
    }

    /** As the golden scripts render them; Llama 3.2's date is fixed there (its template takes date_string). */
    static JinjaChatFormat format(String family) throws IOException {
        String[] t = TEMPLATES.get(family);
        return new JinjaChatFormat(text(t[0]), t[1], t[2]).withVariables(Map.of("date_string", "26 Jul 2024"));
    }

    static String text(String name) throws IOException {
        try (InputStream in = ChatFormatGoldenTest.resource(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
