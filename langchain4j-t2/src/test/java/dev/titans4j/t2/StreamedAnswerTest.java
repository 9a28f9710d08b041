package dev.titans4j.t2;

import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.CompleteToolCall;
import dev.langchain4j.model.chat.response.PartialResponse;
import dev.langchain4j.model.chat.response.PartialResponseContext;
import dev.langchain4j.model.chat.response.PartialThinking;
import dev.langchain4j.model.chat.response.PartialThinkingContext;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.chat.response.StreamingHandle;
import dev.titans4j.t2.tools.ParsedAnswer;
import dev.titans4j.t2.tools.ToolCallSyntax;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A Qwen3 answer (reasoning, then text or a tool call) streamed token by token, as a real tokenizer decodes it,
 * reaches the handler's callbacks in their parts: thinking only to {@code onPartialThinking}, and only when asked.
 */
class StreamedAnswerTest {

    private static final ToolSpecification WEATHER = ToolSpecification.builder().name("get_weather")
            .parameters(JsonObjectSchema.builder().addStringProperty("city").required("city").build()).build();
    private static final String REASONING = "<think>\nThe user asks about Paris.\nI call the tool.\n</think>\n\n";

    @Test
    void thinkingThenTextReachTheirCallbacks() {
        Recorder handler = new Recorder();
        StreamedAnswer answer = new StreamedAnswer(answers(List.of()), handler, handler, true);
        ThinkingSplitterTest.tokenPieces(REASONING + "It is sunny in Paris.").forEach(answer::push);
        ParsedAnswer parsed = answer.finish();

        assertThat(answer.thinking()).isEqualTo("The user asks about Paris.\nI call the tool.");
        assertThat(String.join("", handler.thinking)).isEqualTo(answer.thinking());
        assertThat(handler.thinking).hasSizeGreaterThan(3);
        assertThat(parsed.text()).isEqualTo("It is sunny in Paris.");
        assertThat(String.join("", handler.text)).isEqualTo(parsed.text());
    }

    @Test
    void aToolCallAfterTheThinkingIsParsed() {
        Recorder handler = new Recorder();
        StreamedAnswer answer = new StreamedAnswer(answers(List.of(WEATHER)), handler, handler, true);
        ThinkingSplitterTest.tokenPieces(REASONING + "<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\"}}"
                + "\n</tool_call>").forEach(answer::push);
        ParsedAnswer parsed = answer.finish();

        assertThat(String.join("", handler.thinking)).isEqualTo("The user asks about Paris.\nI call the tool.");
        assertThat(handler.text).isEmpty();
        assertThat(parsed.toolCalls()).singleElement().satisfies(call -> {
            assertThat(call.name()).isEqualTo("get_weather");
            assertThat(call.arguments()).isEqualTo("{\"city\":\"Paris\"}");
        });
        assertThat(handler.completeCalls).singleElement()
                .satisfies(call -> assertThat(call.toolExecutionRequest().name()).isEqualTo("get_weather"));
    }

    @Test
    void withoutReturnThinkingTheReasoningIsDroppedNotShown() {
        Recorder handler = new Recorder();
        StreamedAnswer answer = new StreamedAnswer(answers(List.of()), handler, handler, false);
        ThinkingSplitterTest.tokenPieces(REASONING + "It is sunny.").forEach(answer::push);
        ParsedAnswer parsed = answer.finish();

        assertThat(handler.thinking).isEmpty();
        assertThat(String.join("", handler.text)).isEqualTo("It is sunny.").isEqualTo(parsed.text());
    }

    /** Cut off by the token limit inside the reasoning: the reasoning is kept, the text is empty. */
    @Test
    void anAnswerCutOffInsideItsReasoningHasNoText() {
        Recorder handler = new Recorder();
        StreamedAnswer answer = new StreamedAnswer(answers(List.of()), handler, handler, true);
        ThinkingSplitterTest.tokenPieces("<think>\nThe user asks about Pa").forEach(answer::push);
        ParsedAnswer parsed = answer.finish();

        assertThat(answer.thinking()).isEqualTo("The user asks about Pa");
        assertThat(String.join("", handler.thinking)).isEqualTo("The user asks about Pa");
        assertThat(parsed.text()).isEmpty();
        assertThat(handler.text).isEmpty();
    }

    private static ChatRequestPlanner.Answers answers(List<ToolSpecification> tools) {
        return new ChatRequestPlanner.Answers(tools, ToolCallSyntax.hermes(), true);
    }

    /** A handler that records the parts it gets; also the (never cancelled) handle. */
    static final class Recorder implements StreamingChatResponseHandler, StreamingHandle {
        final List<String> thinking = new ArrayList<>();
        final List<String> text = new ArrayList<>();
        final List<CompleteToolCall> completeCalls = new ArrayList<>();

        @Override
        public void onPartialThinking(PartialThinking partial, PartialThinkingContext context) {
            thinking.add(partial.text());
        }

        @Override
        public void onPartialResponse(PartialResponse partial, PartialResponseContext context) {
            text.add(partial.text());
        }

        @Override
        public void onCompleteToolCall(CompleteToolCall call) {
            completeCalls.add(call);
        }

        @Override
        public void onCompleteResponse(ChatResponse response) {
        }

        @Override
        public void onError(Throwable error) {
            throw new AssertionError("unexpected error", error);
        }

        @Override
        public void cancel() {
        }

        @Override
        public boolean isCancelled() {
            return false;
        }
    }
}
