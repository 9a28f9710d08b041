package dev.titans4j.t2;

import static dev.langchain4j.internal.InternalStreamingChatResponseHandlerUtils.onCompleteToolCall;
import static dev.langchain4j.internal.InternalStreamingChatResponseHandlerUtils.onPartialResponse;
import static dev.langchain4j.internal.InternalStreamingChatResponseHandlerUtils.onPartialThinking;
import static dev.langchain4j.internal.InternalStreamingChatResponseHandlerUtils.onPartialToolCall;

import dev.langchain4j.model.chat.response.CompleteToolCall;
import dev.langchain4j.model.chat.response.PartialToolCall;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.chat.response.StreamingHandle;
import dev.titans4j.t2.tools.ParsedAnswer;
import dev.titans4j.t2.tools.ToolCallStream;
import java.util.List;
import java.util.function.Consumer;

/**
 * One streamed answer on its way to a handler: the generated pieces go through the reasoning split (for families
 * that think) and the tool-call parser (when tools are offered), and each part reaches its callback:
 * {@code onPartialThinking} (only with {@code returnThinking}), {@code onPartialResponse}, {@code onPartialToolCall}
 * and {@code onCompleteToolCall}. Handler exceptions go to its {@code onError}; nothing is reported once the handle
 * is cancelled. Not thread-safe; one per answer.
 */
final class StreamedAnswer {

    private final ThinkingSplitter splitter;
    private final ToolCallStream calls;
    private final Consumer<String> input;
    private final StringBuilder text = new StringBuilder();

    StreamedAnswer(ChatRequestPlanner.Answers answers, StreamingChatResponseHandler handler, StreamingHandle handle,
                   boolean returnThinking) {
        HandlerEvents events = new HandlerEvents(handler, handle);
        this.calls = answers.parsesToolCalls() ? answers.syntax().newStream(answers.tools(), events) : null;
        Consumer<String> onText = calls != null ? calls::push : piece -> {
            text.append(piece);
            events.text(piece);
        };
        this.splitter = answers.splitsThinking() ? new ThinkingSplitter(answers.startsInThinking(), piece -> {
            if (returnThinking && !handle.isCancelled()) {
                onPartialThinking(handler, piece, handle);
            }
        }, onText) : null;
        this.input = splitter != null ? splitter::push : onText;
    }

    /** The next generated piece. */
    void push(String piece) {
        input.accept(piece);
    }

    /**
     * Ends the answer: reports what was held back and returns its text and tool calls.
     *
     * @throws dev.titans4j.t2.tools.ToolCallException for a call that cannot be executed or was cut off
     */
    ParsedAnswer finish() {
        if (splitter != null) {
            splitter.finish();
        }
        return calls != null ? calls.finish() : new ParsedAnswer(text.toString(), List.of());
    }

    /** The reasoning the answer opened with (after {@link #finish()}), or null. */
    String thinking() {
        return splitter == null ? null : splitter.thinking();
    }

    /** Forwards the answer's parts to the handler (handler exceptions go to its onError). */
    private record HandlerEvents(StreamingChatResponseHandler handler, StreamingHandle handle)
            implements ToolCallStream.Events {
        @Override
        public void text(String piece) {
            if (!handle.isCancelled()) {
                onPartialResponse(handler, piece, handle);
            }
        }

        @Override
        public void partialToolCall(PartialToolCall call) {
            if (!handle.isCancelled()) {
                onPartialToolCall(handler, call, handle);
            }
        }

        @Override
        public void completeToolCall(CompleteToolCall call) {
            if (!handle.isCancelled()) {
                onCompleteToolCall(handler, call);
            }
        }
    }
}
