package dev.titans4j.t2;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ResponseFormat;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.PartialThinking;
import dev.langchain4j.model.chat.response.PartialThinkingContext;
import dev.titans4j.t2.engine.EngineOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Thinking switched per request and per model, on the real stories260K model exported with Qwen3's chat format: the
 * prompt the model reads is the template's thinking-on or thinking-off one (measured by its token count), and
 * constrained requests never think. stories260K never writes {@code <think>}, so here the answers stay text;
 * {@link ThinkingSplitterTest} covers the split itself.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ThinkingChatModelTest {

    private static final List<ChatMessage> MESSAGES = List.of(UserMessage.from("Once upon a time"));

    private OnnxChatEngine engine;
    private int thinkingPrompt;
    private int nonThinkingPrompt;

    @BeforeAll
    void load(@TempDir Path tmp) throws IOException {
        Path exported = TestModels.stories260K();
        Path qwen3 = tmp.resolve("stories260K-qwen3");
        Files.createDirectories(qwen3);
        try (Stream<Path> files = Files.list(exported)) {
            for (Path file : files.toList()) {
                Files.copy(file, qwen3.resolve(file.getFileName()));
            }
        }
        ObjectMapper json = new ObjectMapper();
        ObjectNode manifest = (ObjectNode) json.readTree(qwen3.resolve("manifest.json").toFile());
        manifest.put("chatFormat", "qwen3");
        json.writeValue(qwen3.resolve("manifest.json").toFile(), manifest);
        engine = OnnxChatEngine.load(qwen3, EngineOptions.defaults().withIntraOpThreads(1));
        thinkingPrompt = engine.promptIds(MESSAGES, List.of(), true).length;
        nonThinkingPrompt = engine.promptIds(MESSAGES, List.of(), false).length;
    }

    @AfterAll
    void close() {
        if (engine != null) {
            engine.close();
        }
    }

    @Test
    void theThinkingOffPromptHoldsTheEmptyThinkBlock() {
        assertThat(engine.chatFormat().thinks()).isTrue();
        assertThat(engine.chatFormat().render(MESSAGES, List.of(), true, false))
                .isEqualTo("<|im_start|>user\nOnce upon a time<|im_end|>\n<|im_start|>assistant\n<think>\n\n</think>\n\n");
        assertThat(nonThinkingPrompt).isGreaterThan(thinkingPrompt);
    }

    @Test
    void thinkingIsSwitchedPerRequestOverTheModelDefault() {
        OnnxChatModel thinking = OnnxChatModel.builder().engine(engine).maxOutputTokens(4).build();
        OnnxChatModel notThinking = OnnxChatModel.builder().engine(engine).maxOutputTokens(4).enableThinking(false)
                .build();

        assertThat(promptTokens(thinking, null)).isEqualTo(thinkingPrompt);
        assertThat(promptTokens(thinking, false)).isEqualTo(nonThinkingPrompt);
        assertThat(promptTokens(notThinking, null)).isEqualTo(nonThinkingPrompt);
        assertThat(promptTokens(notThinking, true)).isEqualTo(thinkingPrompt);
        assertThat(notThinking.defaultRequestParameters().enableThinking()).isFalse();
    }

    /** A grammar holds from the first token, where the reasoning would go: constrained requests do not think. */
    @Test
    void jsonAnswersAreWrittenWithThinkingOff() {
        OnnxChatModel model = OnnxChatModel.builder().engine(engine).enableThinking(true).returnThinking(true)
                .constraintLimits(conformanceLimits()).build();
        ChatResponse response = model.chat(ChatRequest.builder().messages(MESSAGES)
                .parameters(OnnxChatRequestParameters.builder().responseFormat(ResponseFormat.JSON).build()).build());

        assertThat(response.tokenUsage().inputTokenCount()).isEqualTo(nonThinkingPrompt);
        assertThat(response.aiMessage().text().strip()).startsWith("{").endsWith("}");
        assertThat(response.aiMessage().thinking()).isNull();
    }

    /** Without reasoning in the answer, returnThinking changes nothing: the pieces are the blocking text. */
    @Test
    void answersWithoutReasoningStreamAsText() throws Exception {
        String blocking = OnnxChatModel.builder().engine(engine).maxOutputTokens(30).returnThinking(true).build()
                .chat(ChatRequest.builder().messages(MESSAGES).build()).aiMessage().text();
        List<String> thinking = new CopyOnWriteArrayList<>();
        OnnxStreamingChatModelTest.Recorder recorder = new OnnxStreamingChatModelTest.Recorder() {
            @Override
            public void onPartialThinking(PartialThinking partial, PartialThinkingContext context) {
                thinking.add(partial.text());
            }
        };
        OnnxStreamingChatModel.builder().engine(engine).maxOutputTokens(30).returnThinking(true).build()
                .chat(MESSAGES, recorder);
        ChatResponse response = recorder.response.get(30, SECONDS);

        assertThat(blocking).isNotBlank().doesNotContain("<think>");
        assertThat(response.aiMessage().text()).isEqualTo(blocking);
        assertThat(recorder.joined()).isEqualTo(blocking);
        assertThat(response.aiMessage().thinking()).isNull();
        assertThat(thinking).isEmpty();
    }

    private static int promptTokens(OnnxChatModel model, Boolean enableThinking) {
        ChatResponse response = model.chat(ChatRequest.builder().messages(MESSAGES)
                .parameters(OnnxChatRequestParameters.builder().enableThinking(enableThinking).build()).build());
        return response.tokenUsage().inputTokenCount();
    }

    private static dev.titans4j.t2.constrain.ConstraintLimits conformanceLimits() {
        return dev.titans4j.t2.constrain.ConstraintLimits.builder().maxStringBytes(16).maxArrayItems(3)
                .maxWhitespace(1).maxDepth(16).maxIntegerDigits(6).maxFractionDigits(3).build();
    }
}
