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
import dev.titans4j.t2.chat.JinjaChatFormat;
import dev.titans4j.t2.engine.EngineOptions;
import dev.titans4j.t2.tools.ParsedAnswer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
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
 * Reasoning through a template no hand-written format covers: the real stories260K model exported with
 * DeepSeek-R1-Distill-Qwen's real chat template ({@code jinja}), whose generation prompt opens {@code <think>}. The
 * answer starts in the reasoning and is split as Qwen3's is; its template has no {@code enable_thinking}, so thinking
 * switched off (or a constrained answer) closes the opened reasoning empty after the template's prompt.
 * stories260K never closes the reasoning, so its whole answer is thinking.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JinjaThinkingChatModelTest {

    private static final List<ChatMessage> MESSAGES = List.of(UserMessage.from("Once upon a time"));
    private static final String PROMPT = "<｜begin▁of▁sentence｜><｜User｜>Once upon a time<｜Assistant｜><think>\n";

    private OnnxChatEngine engine;

    @BeforeAll
    void load(@TempDir Path tmp) throws IOException {
        Path exported = TestModels.stories260K();
        Path deepseek = tmp.resolve("stories260K-deepseek");
        Files.createDirectories(deepseek);
        try (Stream<Path> files = Files.list(exported)) {
            for (Path file : files.toList()) {
                Files.copy(file, deepseek.resolve(file.getFileName()));
            }
        }
        String template;
        try (InputStream in = getClass().getResourceAsStream("/chat-templates/deepseek-r1-distill-qwen.jinja")) {
            template = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        ObjectMapper json = new ObjectMapper();
        ObjectNode manifest = (ObjectNode) json.readTree(deepseek.resolve("manifest.json").toFile());
        manifest.put("chatFormat", "jinja");
        manifest.putObject("chat").put("template", template).put("bosToken", "<｜begin▁of▁sentence｜>")
                .put("eosToken", "<｜end▁of▁sentence｜>");
        json.writeValue(deepseek.resolve("manifest.json").toFile(), manifest);
        engine = OnnxChatEngine.load(deepseek, EngineOptions.defaults().withIntraOpThreads(1));
    }

    @AfterAll
    void close() {
        if (engine != null) {
            engine.close();
        }
    }

    @Test
    void thePromptIsTheTemplatesOwnWithThinkingOnOrUnsetAndClosesTheReasoningWhenOff() {
        assertThat(engine.chatFormat()).isInstanceOf(JinjaChatFormat.class);
        assertThat(engine.chatFormat().thinks()).isTrue();
        assertThat(engine.prompt(MESSAGES, List.of(), null).text()).isEqualTo(PROMPT);
        assertThat(engine.prompt(MESSAGES, List.of(), true).text()).isEqualTo(PROMPT);
        String closed = PROMPT + "\n</think>\n\n";
        assertThat(engine.prompt(MESSAGES, List.of(), false).text()).isEqualTo(closed);
        int closedTokens = engine.tokenizer().encodeRaw(closed).length;
        OnnxChatModel notThinking = OnnxChatModel.builder().engine(engine).maxOutputTokens(2).enableThinking(false)
                .build();
        assertThat(notThinking.chat(ChatRequest.builder().messages(MESSAGES).build()).tokenUsage().inputTokenCount())
                .isEqualTo(closedTokens).isGreaterThan(engine.promptIds(MESSAGES).length);
        // a constrained answer switches thinking off: the same closed prompt, and the answer is read as text
        ChatRequestPlanner planner = new ChatRequestPlanner(engine);
        ChatRequest json = ChatRequest.builder().messages(MESSAGES).parameters(OnnxChatRequestParameters.builder()
                .responseFormat(ResponseFormat.JSON).build()).build();
        assertThat(OnnxChatModel.builder().engine(engine).maxOutputTokens(2).build().chat(json).tokenUsage()
                .inputTokenCount()).isEqualTo(closedTokens);
        assertThat(planner.plan(json).answers().startsInThinking()).isFalse();
    }

    /** The plan reads the answer as reasoning from its first token, unless a grammar holds it. */
    @Test
    void theAnswerToAPromptThatOpenedThinkStartsInTheReasoning() {
        ChatRequestPlanner planner = new ChatRequestPlanner(engine);
        ChatRequestPlanner.Answers answers = planner.plan(ChatRequest.builder().messages(MESSAGES).build()).answers();
        assertThat(answers.splitsThinking()).isTrue();
        assertThat(answers.startsInThinking()).isTrue();
        assertThat(planner.plan(ChatRequest.builder().messages(MESSAGES).parameters(OnnxChatRequestParameters.builder()
                .responseFormat(ResponseFormat.JSON).build()).build()).answers().startsInThinking()).isFalse();

        // a DeepSeek-R1 answer, streamed token by token as a real tokenizer decodes it
        StreamedAnswerTest.Recorder handler = new StreamedAnswerTest.Recorder();
        StreamedAnswer streamed = new StreamedAnswer(answers, handler, handler, true);
        ThinkingSplitterTest.tokenPieces("Okay, the user starts a story.\nI continue it.\n</think>\n\n"
                + "There was a little cat.").forEach(streamed::push);
        ParsedAnswer parsed = streamed.finish();

        assertThat(streamed.thinking()).isEqualTo("Okay, the user starts a story.\nI continue it.");
        assertThat(String.join("", handler.thinking)).isEqualTo(streamed.thinking());
        assertThat(handler.thinking).hasSizeGreaterThan(3);
        assertThat(parsed.text()).isEqualTo("There was a little cat.");
        assertThat(String.join("", handler.text)).isEqualTo(parsed.text());
    }

    @Test
    void theModelsReasoningIsItsThinkingBlockingAndStreamed() throws Exception {
        ChatResponse blocking = OnnxChatModel.builder().engine(engine).maxOutputTokens(20).returnThinking(true)
                .build().chat(ChatRequest.builder().messages(MESSAGES).build());
        List<String> thinking = new CopyOnWriteArrayList<>();
        OnnxStreamingChatModelTest.Recorder recorder = new OnnxStreamingChatModelTest.Recorder() {
            @Override
            public void onPartialThinking(PartialThinking partial, PartialThinkingContext context) {
                thinking.add(partial.text());
            }
        };
        OnnxStreamingChatModel.builder().engine(engine).maxOutputTokens(20).returnThinking(true).build()
                .chat(MESSAGES, recorder);
        ChatResponse streamed = recorder.response.get(30, SECONDS);

        assertThat(blocking.aiMessage().thinking()).isNotBlank().doesNotContain("<think>");
        assertThat(blocking.aiMessage().text()).isNullOrEmpty();
        assertThat(streamed.aiMessage().thinking()).isEqualTo(blocking.aiMessage().thinking());
        assertThat(String.join("", thinking)).isEqualTo(blocking.aiMessage().thinking());
        assertThat(recorder.pieces).isEmpty();

        ChatResponse hidden = OnnxChatModel.builder().engine(engine).maxOutputTokens(20).build()
                .chat(ChatRequest.builder().messages(MESSAGES).build());
        assertThat(hidden.aiMessage().thinking()).isNull();
        assertThat(hidden.aiMessage().text()).isNullOrEmpty();
    }
}
