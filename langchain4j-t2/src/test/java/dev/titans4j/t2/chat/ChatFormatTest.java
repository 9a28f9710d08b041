package dev.titans4j.t2.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.ImageContent;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.TextContent;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.exception.UnsupportedFeatureException;
import dev.titans4j.export.manifest.ModelManifest;
import dev.titans4j.t2.tools.ToolCallSyntax;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the real templates cannot show: tool turns of Llama 3 and Mistral, plain text, selection and errors. */
class ChatFormatTest {

    private static final List<String> WITHOUT_TOOLS = List.of("gemma3", "phi3", "phi4-mini");

    @TempDir
    Path tmp;

    private static final ToolExecutionRequest CALL = ToolExecutionRequest.builder().id("1").name("add")
            .arguments("{\"a\": 1, \"b\": 2}").build();

    /**
     * The templates strip with Python's str.strip() ({@code | trim}, {@code rstrip()}), whose whitespace includes
     * no-break spaces and U+0085, which Java's String.strip() keeps. Expected texts: the real templates rendered by
     * jinja2 3.1.6 set up as transformers sets it up (bos_token empty), for these messages.
     */
    @Test
    void formatsStripWhitespaceAsPythonDoes() {
        List<ChatMessage> chat = List.of(SystemMessage.from("\u00a0sys\u00a0\u0085"),
                UserMessage.from("\u00a0Hi\u2028\u3000\u202f"), AiMessage.from("\u2007Hello\u00a0\n"),
                UserMessage.from("x"));
        assertThat(new Llama3Format().render(chat, true)).isEqualTo("<|begin_of_text|>"
                + "<|start_header_id|>system<|end_header_id|>\n\nsys<|eot_id|><|start_header_id|>user"
                + "<|end_header_id|>\n\nHi<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\nHello<|eot_id|>"
                + "<|start_header_id|>user<|end_header_id|>\n\nx<|eot_id|><|start_header_id|>assistant"
                + "<|end_header_id|>\n\n");
        assertThat(new Gemma3Format().render(chat, true)).isEqualTo("<bos><start_of_turn>user\n\u00a0sys\u00a0"
                + "\u0085\n\nHi<end_of_turn>\n<start_of_turn>model\nHello<end_of_turn>\n<start_of_turn>user\nx"
                + "<end_of_turn>\n<start_of_turn>model\n");
        assertThat(SmolLm3Format.withDate("26 July 2024").render(chat, true))
                .contains("## Custom Instructions\n\n\u00a0sys\n\n<|im_start|>user\n");
    }

    @Test
    void llama3WritesToolResultsAsIpythonAndCallsAsJson() {
        String text = new Llama3Format().render(List.of(UserMessage.from("1+2?"), AiMessage.from(CALL),
                ToolExecutionResultMessage.from(CALL, " 3\n")), true);
        assertThat(text).isEqualTo("<|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\n1+2?<|eot_id|>"
                + "<|start_header_id|>assistant<|end_header_id|>\n\n{\"name\": \"add\", \"parameters\": {\"a\": 1, \"b\": 2}}"
                + "<|eot_id|><|start_header_id|>ipython<|end_header_id|>\n\n3<|eot_id|>"
                + "<|start_header_id|>assistant<|end_header_id|>\n\n");
    }

    @Test
    void llama32WritesToolResultsAsPythonsTojsonDoes() {
        String text = Llama3Format.withDate("26 Jul 2024").render(List.of(UserMessage.from("ls"), AiMessage.from(CALL),
                ToolExecutionResultMessage.from(CALL, "\u001b[32mok\u001b[0m \"é\"")), false);
        // json.dumps(content, ensure_ascii=False): lower-case hex escapes, non-ASCII as is
        assertThat(text).endsWith("<|start_header_id|>ipython<|end_header_id|>\n\n"
                + "\"\\u001b[32mok\\u001b[0m \\\"é\\\"\"<|eot_id|>");
    }

    @Test
    void llama3WritesSeveralCallsOfOneAnswerAsItsParserReadsThem() {
        ToolExecutionRequest second = ToolExecutionRequest.builder().id("2").name("add").arguments("{\"a\": 3, \"b\": 4}")
                .build();
        for (Llama3Format format : List.of(new Llama3Format(), Llama3Format.withDate("26 Jul 2024"))) {
            String text = format.render(List.of(UserMessage.from("1+2, 3+4?"), AiMessage.from(CALL, second)), false);
            String answer = text.substring(text.lastIndexOf("<|end_header_id|>\n\n") + 19, text.lastIndexOf("<|eot_id|>"));
            assertThat(answer).isEqualTo("{\"name\": \"add\", \"parameters\": {\"a\": 1, \"b\": 2}}; "
                    + "{\"name\": \"add\", \"parameters\": {\"a\": 3, \"b\": 4}}");
            assertThat(ToolCallSyntax.llama3().parse(answer, List.of(ToolSpecification.builder().name("add").build()))
                    .toolCalls()).extracting(ToolExecutionRequest::arguments)
                    .containsExactly("{\"a\":1,\"b\":2}", "{\"a\":3,\"b\":4}");
        }
    }

    @Test
    void llama32DatesItsSystemTurnWithToday() {
        String text = Llama3Format.withTodaysDate().render(List.of(UserMessage.from("Hi")), false);
        String today = java.time.LocalDate.now().format(java.time.format.DateTimeFormatter.ofPattern("dd MMM yyyy",
                java.util.Locale.US));
        assertThat(text).contains("Today Date: " + today + "\n\n<|eot_id|>");
        assertThatThrownBy(() -> Llama3Format.withDate(" ")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void mistralFoldsSystemAndToolResultsIntoInstructionBlocks() {
        String text = new MistralFormat().render(List.of(SystemMessage.from("Be brief."), UserMessage.from("1+2?"),
                AiMessage.from(CALL), ToolExecutionResultMessage.from(CALL, "3"), UserMessage.from("So?")), true);
        assertThat(text).isEqualTo("<s> [INST] Be brief.\n\n1+2? [/INST] {\"name\": \"add\", \"arguments\": "
                + "{\"a\": 1, \"b\": 2}}</s> [INST] 3\n\nSo? [/INST]");
    }

    @Test
    void plainConcatenatesTextsWithoutMarkup() {
        List<ChatMessage> messages = List.of(UserMessage.from("Once upon a time"), AiMessage.from(", there was"),
                UserMessage.from(" a cat"));
        PlainFormat plain = new PlainFormat(true);
        assertThat(plain.render(messages, true)).isEqualTo("Once upon a time, there was a cat");
        assertThat(plain.prependBos()).isTrue();
        assertThat(plain.stopStrings()).isEmpty();
        assertThat(new PlainFormat(false).prependBos()).isFalse();
    }

    @Test
    void multiPartUserTextIsJoinedAndImagesAreRefused() {
        UserMessage twoParts = UserMessage.from(TextContent.from("a"), TextContent.from("b"));
        assertThat(new ChatMlFormat().render(List.of(twoParts), false)).isEqualTo("<|im_start|>user\na\nb<|im_end|>\n");
        UserMessage withImage = UserMessage.from(TextContent.from("What is this?"),
                ImageContent.from("https://example.com/cat.png"));
        for (String name : ChatFormats.NAMES) {
            assertThatThrownBy(() -> ChatFormat.of(name).render(List.of(withImage), true))
                    .isInstanceOf(UnsupportedFeatureException.class).hasMessageContaining("image");
        }
    }

    @Test
    void toolResultsOfSeveralTextsAreJoinedAndImagesAreRefused() {
        ToolExecutionResultMessage twoTexts = ToolExecutionResultMessage.builder().id("1").toolName("add")
                .contents(List.of(TextContent.from("3"), TextContent.from("three"))).build();
        assertThat(new MistralFormat().render(List.of(UserMessage.from("1+2?"), AiMessage.from(CALL), twoTexts),
                true)).endsWith("[/INST] {\"name\": \"add\", \"arguments\": {\"a\": 1, \"b\": 2}}</s> [INST] 3\nthree"
                + " [/INST]");
        ToolExecutionResultMessage photo = ToolExecutionResultMessage.builder().id("1").toolName("takePhoto")
                .contents(List.of(ImageContent.from("https://example.com/cat.png"))).build();
        for (String name : ChatFormats.NAMES) {
            if (WITHOUT_TOOLS.contains(name)) {
                continue; // refuse tool results altogether (below)
            }
            assertThatThrownBy(() -> ChatFormat.of(name).render(List.of(UserMessage.from("Take a photo"),
                    AiMessage.from(CALL), photo), true))
                    .isInstanceOf(UnsupportedFeatureException.class)
                    .hasMessage("this model reads text only; the result of tool 'takePhoto' contains image content;"
                            + " non-text content in tool results is not supported");
        }
    }

    /** Gemma 3's and Phi's templates have no tool calls or results (Phi-3's would silently drop the results). */
    @Test
    void familiesWithoutToolsRefuseToolCallsAndResults() {
        ToolExecutionResultMessage result = ToolExecutionResultMessage.from(CALL, "3");
        for (String name : WITHOUT_TOOLS) {
            assertThatThrownBy(() -> ChatFormat.of(name).render(List.of(UserMessage.from("1+2?"),
                    AiMessage.from(CALL), result), true))
                    .isInstanceOf(UnsupportedFeatureException.class)
                    .hasMessageStartingWith("the " + name + " chat format cannot write tool calls or tool results");
            assertThatThrownBy(() -> ChatFormat.of(name).render(List.of(UserMessage.from("1+2?")),
                    List.of(ToolSpecification.builder().name("add").build()), true))
                    .isInstanceOf(UnsupportedFeatureException.class)
                    .hasMessage("the " + name + " chat format cannot offer tools");
        }
    }

    @Test
    void emptyConversationIsRejected() {
        assertThatThrownBy(() -> new ChatMlFormat().render(List.of(), true))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("empty");
    }

    @Test
    void formatsByNameAndTheirStopsAndBos() {
        assertThat(ChatFormat.of("ChatML")).isInstanceOf(ChatMlFormat.class);
        assertThat(ChatFormat.of("llama3").stopStrings()).containsExactly("<|eot_id|>");
        assertThat(ChatFormat.of("mistral").stopStrings()).containsExactly("</s>");
        assertThat(ChatFormat.of("chatml").stopStrings()).containsExactly("<|im_end|>");
        for (String name : List.of("chatml", "llama3", "mistral")) {
            assertThat(ChatFormat.of(name).prependBos()).as(name).isFalse();
            assertThat(ChatFormat.of(name).name()).isEqualTo(name);
        }
        assertThatThrownBy(() -> ChatFormat.of("vicuna")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("vicuna").hasMessageContaining("chatml");
        assertThatThrownBy(() -> ChatFormat.of(null)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void formatFromManifest() throws IOException {
        assertThat(ChatFormats.forManifest(manifest("plain", "llama", true)))
                .isInstanceOfSatisfying(PlainFormat.class, f -> assertThat(f.prependBos()).isTrue());
        assertThat(ChatFormats.forManifest(manifest("plain", "qwen2", false)).prependBos()).isFalse();
        assertThat(ChatFormats.forManifest(manifest("chatml", "qwen2", false)))
                .isInstanceOfSatisfying(ChatMlFormat.class, f -> assertThat(f.defaultSystemPrompt())
                        .hasValue(ChatMlFormat.QWEN_DEFAULT_SYSTEM_PROMPT));
        assertThat(ChatFormats.forManifest(manifest("llama3", "llama", true))).isInstanceOf(Llama3Format.class);

        // With the folder, the default system prompt comes from the model's own template (SmolLM2 here).
        String template = "{% for message in messages %}{% if loop.first and messages[0]['role'] != 'system' %}"
                + "{{ '<|im_start|>system\\nYou are a helpful AI assistant named SmolLM, trained by Hugging Face"
                + "<|im_end|>\\n' }}{% endif %}{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + "
                + "'<|im_end|>' + '\\n'}}{% endfor %}";
        Files.writeString(tmp.resolve("tokenizer_config.json"),
                new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode().put("chat_template", template)
                        .toString());
        assertThat(ChatFormats.forManifest(manifest("chatml", "llama", false), tmp))
                .isInstanceOfSatisfying(ChatMlFormat.class, f -> assertThat(f.defaultSystemPrompt())
                        .hasValue(ChatMlFormat.SMOLLM2_DEFAULT_SYSTEM_PROMPT));
    }

    /**
     * The runtime path for the 2025 families: a model folder whose tokenizer config holds the real template, and the
     * manifest naming the family the export recognised in it.
     */
    @Test
    void newFamiliesComeFromTheManifestAndTheModelsOwnTemplate(@TempDir Path tmp) throws Exception {
        Map<String, String> templates = Map.of("qwen3", "qwen3.jinja", "smollm3", "smollm3.jinja",
                "gemma3", "gemma3.jinja", "phi3", "phi-3.5-mini.jinja", "phi4-mini", "phi-4-mini.jinja");
        for (Map.Entry<String, String> family : templates.entrySet()) {
            String template;
            try (var in = ChatFormatTest.class.getResourceAsStream("/chat-templates/" + family.getValue())) {
                template = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            }
            assertThat(dev.titans4j.export.ChatFormat.detect(template)).isEqualTo(family.getKey());
            Files.writeString(tmp.resolve("tokenizer_config.json"), new com.fasterxml.jackson.databind.ObjectMapper()
                    .createObjectNode().put("chat_template", template).toString());
            ChatFormat format = ChatFormats.forManifest(manifest(family.getKey(), "test", false), tmp);
            assertThat(format.name()).isEqualTo(family.getKey());
            assertThat(format.thinks()).isEqualTo(family.getKey().equals("qwen3")
                    || family.getKey().equals("smollm3"));
            assertThat(format.prependBos()).isFalse(); // Gemma's <bos> is in the text
        }
    }

    @Test
    void noHandWrittenFormatForAnUnknownTemplate() {
        assertThat(ChatFormats.fromChatTemplate("{{ messages }}")).isEmpty();
        assertThat(ChatFormats.fromChatTemplate(null)).isEmpty();
    }

    /** A version 1 manifest: no chat settings, so the folder's tokenizer config is read. */
    static ModelManifest manifest(String chatFormat, String modelType, boolean addBos) {
        return new ModelManifest(ModelManifest.FORMAT, 1, "test", "LlamaForCausalLM",
                modelType, "test", ModelManifest.Precision.fp32, null,
                new ModelManifest.Tokens(addBos ? 1 : null, List.of(2), null, addBos), chatFormat,
                new ModelManifest.Files("model.onnx", null, "tokenizer.json", "tokenizer_config.json", null),
                null, null, null, null);
    }
}
