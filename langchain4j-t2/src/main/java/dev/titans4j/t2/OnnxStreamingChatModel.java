package dev.titans4j.t2;

import static dev.langchain4j.internal.InternalStreamingChatResponseHandlerUtils.onCompleteResponse;
import static dev.langchain4j.internal.InternalStreamingChatResponseHandlerUtils.withLoggingExceptions;

import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.chat.response.StreamingHandle;
import dev.titans4j.t2.engine.GenerationResult;
import dev.titans4j.t2.engine.StopReason;
import dev.titans4j.t2.tools.ParsedAnswer;
import dev.titans4j.t2.tools.ToolCallException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A LangChain4j {@link StreamingChatModel} running an exported model locally with ONNX Runtime.
 *
 * <p>Requests are validated on the caller's thread (unsupported features and invalid parameters throw there);
 * tokenization and generation run on a worker thread, never the caller's, and stream text pieces that concatenate
 * exactly to the final message. Failures from there on, such as a prompt too long for the context, reach the
 * handler's {@code onError}, as a remote provider's server errors do.
 * {@link StreamingHandle#cancel()} (from {@code onPartialResponse}'s context) stops generation before the next
 * token; no further callbacks follow. Exceptions thrown by the handler's {@code onPartialResponse} or
 * {@code onCompleteResponse} are passed to its {@code onError} and generation continues, as LangChain4j's
 * contract says; exceptions from {@code onError} are logged and ignored.
 *
 * <p>With tools offered, call markup never reaches {@code onPartialResponse}: text that may start a call is held
 * until it is known not to, and each call is reported, in order, with {@code onPartialToolCall} (its whole
 * arguments) then {@code onCompleteToolCall} as soon as its markup is complete; the final response carries the same
 * calls. A malformed call reaches {@code onError} as a {@link dev.titans4j.t2.tools.ToolCallException}.
 *
 * <p>Models that reason first (Qwen3, SmolLM3, {@code jinja} templates with {@code <think>}): the
 * {@code <think>...</think>} never reaches {@code onPartialResponse}; with {@code returnThinking(true)} it streams
 * to {@code onPartialThinking}, in pieces that concatenate exactly to the final message's {@code thinking()}, and
 * tool calls after it are parsed as usual.
 */
public class OnnxStreamingChatModel extends OnnxBaseChatModel implements StreamingChatModel {

    private static final ExecutorService DEFAULT_EXECUTOR = Executors.newCachedThreadPool(new WorkerThreads());

    private final ExecutorService executor;

    protected OnnxStreamingChatModel(Builder builder) {
        super(builder);
        this.executor = builder.executor != null ? builder.executor : DEFAULT_EXECUTOR;
    }

    @Override
    public void doChat(ChatRequest chatRequest, StreamingChatResponseHandler handler) {
        planner.validate(chatRequest);
        Handle handle = new Handle();
        try {
            executor.execute(() -> stream(chatRequest, handler, handle));
        } catch (RejectedExecutionException e) {
            throw new IllegalStateException("The streaming executor rejected the request (is it shut down?)", e);
        }
    }

    private void stream(ChatRequest request, StreamingChatResponseHandler handler, Handle handle) {
        GenerationResult result;
        ParsedAnswer answer;
        StreamedAnswer streamed = null;
        try {
            ChatRequestPlanner.Plan plan = planner.prepare(request);
            streamed = new StreamedAnswer(plan.answers(), handler, handle, returnThinking);
            result = engine.generator().generate(plan.generation(), plan.selector(), plan.svfMultipliers(),
                    streamed::push, handle::isCancelled);
            try {
                answer = result.stopReason() == StopReason.CANCELLED ? null : streamed.finish();
            } catch (ToolCallException e) {
                throw explainTruncation(e, result);
            }
        } catch (Throwable e) {
            // An Error (e.g. OutOfMemoryError from a direct KV-cache buffer) must still reach the handler, or the
            // caller waits forever; it is rethrown afterwards so the worker thread sees it too.
            if (!handle.isCancelled()) {
                withLoggingExceptions(() -> handler.onError(e));
            }
            if (e instanceof Error error) {
                throw error;
            }
            return;
        }
        // also a cancel from the last token's callback, which ends generation without a cancelled stop
        if (result.stopReason() != StopReason.CANCELLED && !handle.isCancelled()) {
            onCompleteResponse(handler, toResponse(result, answer, streamed.thinking()));
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    public static class Builder extends OnnxBaseChatModel.Builder<OnnxStreamingChatModel, Builder> {

        private ExecutorService executor;

        /** Where generations run; default: a shared pool of daemon threads named {@code titans4j-onnx-stream-N}. */
        public Builder executor(ExecutorService executor) {
            this.executor = executor;
            return this;
        }

        @Override
        public OnnxStreamingChatModel build() {
            return new OnnxStreamingChatModel(this);
        }
    }

    private static final class Handle implements StreamingHandle {

        private final AtomicBoolean cancelled = new AtomicBoolean();

        @Override
        public void cancel() {
            cancelled.set(true);
        }

        @Override
        public boolean isCancelled() {
            return cancelled.get();
        }
    }

    private static final class WorkerThreads implements ThreadFactory {

        private final AtomicInteger count = new AtomicInteger();

        @Override
        public Thread newThread(Runnable task) {
            Thread thread = new Thread(task, "titans4j-onnx-stream-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        }
    }
}
