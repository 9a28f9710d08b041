package dev.titans4j.t2.dispatch;

import dev.langchain4j.model.ModelProvider;
import dev.langchain4j.model.chat.Capability;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.listener.ChatModelListener;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.ChatResponseMetadata;
import dev.langchain4j.model.chat.response.CompleteToolCall;
import dev.langchain4j.model.chat.response.PartialResponse;
import dev.langchain4j.model.chat.response.PartialResponseContext;
import dev.langchain4j.model.chat.response.PartialThinking;
import dev.langchain4j.model.chat.response.PartialThinkingContext;
import dev.langchain4j.model.chat.response.PartialToolCall;
import dev.langchain4j.model.chat.response.PartialToolCallContext;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.titans4j.t2.OnnxChatModel;
import dev.titans4j.t2.OnnxChatRequestParameters;
import dev.titans4j.t2.OnnxStreamingChatModel;
import dev.titans4j.t2.svf.SvfAdapter;
import dev.titans4j.t2.svf.SvfMultipliers;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Transformer² in front of the ONNX provider: pass 1 asks a {@link Dispatcher} for an expert mix, pass 2 answers
 * the request with that mix applied through the graph's SVF inputs (no weight reload; concurrent requests each
 * carry their own mix). Responses carry {@link T2ResponseMetadata}: experts, weights and the first pass's cost.
 *
 * <pre>{@code
 * OnnxChatEngine engine = OnnxChatEngine.load(Path.of("model-onnx"));
 * SvfAdapter adapter = SvfAdapter.forEngine(engine);
 * OnnxChatModel onnx = OnnxChatModel.builder().engine(engine).build();
 * T2ChatModel model = T2ChatModel.builder()
 *         .chatModel(onnx)
 *         .adapter(adapter)
 *         .dispatcher(PromptDispatcher.builder().chatModel(onnx)
 *                 .expert("math", SvfExpertFile.read(Path.of("math.safetensors"))).build())
 *         .build();
 * }</pre>
 */
public final class T2ChatModel implements ChatModel, StreamingChatModel {

    private static final ExecutorService DISPATCH_EXECUTOR = Executors.newCachedThreadPool(task -> {
        Thread t = new Thread(task, "titans4j-t2-dispatch");
        t.setDaemon(true);
        return t;
    });

    private final OnnxChatModel chatModel;
    private final OnnxStreamingChatModel streamingChatModel;
    private final SvfAdapter adapter;
    private final Dispatcher dispatcher;
    private final ExecutorService executor;

    private T2ChatModel(Builder b) {
        this.chatModel = Objects.requireNonNull(b.chatModel, "chatModel");
        this.streamingChatModel = b.streamingChatModel;
        this.adapter = Objects.requireNonNull(b.adapter, "adapter");
        this.dispatcher = Objects.requireNonNull(b.dispatcher, "dispatcher");
        this.executor = b.executor != null ? b.executor : DISPATCH_EXECUTOR;
    }

    @Override
    public ChatResponse doChat(ChatRequest request) {
        Dispatch dispatch = dispatcher.dispatch(request);
        ChatRequest second = withMix(request, adapter.multipliers(dispatch.mix()));
        long start = System.nanoTime();
        ChatResponse response = chatModel.chat(second);
        long millis = (System.nanoTime() - start) / 1_000_000;
        return withMetadata(response, dispatch, millis);
    }

    @Override
    public void doChat(ChatRequest request, StreamingChatResponseHandler handler) {
        if (streamingChatModel == null) {
            throw new IllegalStateException("Set streamingChatModel on the builder to stream");
        }
        executor.execute(() -> {
            try {
                Dispatch dispatch = dispatcher.dispatch(request);
                ChatRequest second = withMix(request, adapter.multipliers(dispatch.mix()));
                // throws for a request the streaming model rejects: only onError can tell the caller here
                secondPass(second, handler, dispatch);
            } catch (Throwable e) {
                // an Error too (out of memory in pass 1): on this thread nothing else tells the caller, who would
                // wait forever; it is rethrown afterwards so the worker thread sees it too
                handler.onError(e);
                if (e instanceof Error error) {
                    throw error;
                }
            }
        });
    }

    private void secondPass(ChatRequest second, StreamingChatResponseHandler handler, Dispatch dispatch) {
        long start = System.nanoTime();
        // every event of pass 2 reaches the caller's handler (the model reports partial events with their context)
        streamingChatModel.chat(second, new StreamingChatResponseHandler() {
            @Override
            public void onPartialResponse(PartialResponse partialResponse, PartialResponseContext context) {
                handler.onPartialResponse(partialResponse, context);
            }

            @Override
            public void onPartialThinking(PartialThinking partialThinking, PartialThinkingContext context) {
                handler.onPartialThinking(partialThinking, context);
            }

            @Override
            public void onPartialToolCall(PartialToolCall partialToolCall, PartialToolCallContext context) {
                handler.onPartialToolCall(partialToolCall, context);
            }

            @Override
            public void onCompleteToolCall(CompleteToolCall completeToolCall) {
                handler.onCompleteToolCall(completeToolCall);
            }

            @Override
            public void onCompleteResponse(ChatResponse response) {
                long millis = (System.nanoTime() - start) / 1_000_000;
                handler.onCompleteResponse(withMetadata(response, dispatch, millis));
            }

            @Override
            public void onError(Throwable error) {
                handler.onError(error);
            }
        });
    }

    private static ChatRequest withMix(ChatRequest request, SvfMultipliers multipliers) {
        OnnxChatRequestParameters parameters = OnnxChatRequestParameters.builder()
                .overrideWith(request.parameters())
                .svfMultipliers(multipliers)
                .build();
        return request.toBuilder().parameters(parameters).build();
    }

    private static ChatResponse withMetadata(ChatResponse response, Dispatch dispatch, long secondPassMillis) {
        ChatResponseMetadata m = response.metadata();
        T2ResponseMetadata metadata = T2ResponseMetadata.builder()
                .id(m.id()).modelName(m.modelName()).tokenUsage(m.tokenUsage()).finishReason(m.finishReason())
                .dispatchLabel(dispatch.label())
                .expertWeights(dispatch.mix().weightsByName())
                .dispatchCost(dispatch.cost())
                .secondPassMillis(secondPassMillis)
                .build();
        return ChatResponse.builder().aiMessage(response.aiMessage()).metadata(metadata).build();
    }

    public Dispatcher dispatcher() {
        return dispatcher;
    }

    @Override
    public ChatRequestParameters defaultRequestParameters() {
        return chatModel.defaultRequestParameters();
    }

    @Override
    public List<ChatModelListener> listeners() {
        return List.of();
    }

    @Override
    public ModelProvider provider() {
        return chatModel.provider();
    }

    @Override
    public Set<Capability> supportedCapabilities() {
        return chatModel.supportedCapabilities();
    }

    public static Builder builder() {
        return new Builder();
    }

    public static final class Builder {

        private OnnxChatModel chatModel;
        private OnnxStreamingChatModel streamingChatModel;
        private SvfAdapter adapter;
        private Dispatcher dispatcher;
        private ExecutorService executor;

        /** The ONNX provider answering pass 2 (blocking). */
        public Builder chatModel(OnnxChatModel chatModel) {
            this.chatModel = chatModel;
            return this;
        }

        /**
         * The ONNX provider answering pass 2 when streaming (same engine as {@code chatModel}). Requests to this
         * model carry {@code chatModel}'s default request parameters
         * ({@link T2ChatModel#defaultRequestParameters()}), which override this model's own builder defaults:
         * configure sampling and output length on {@code chatModel}.
         */
        public Builder streamingChatModel(OnnxStreamingChatModel streamingChatModel) {
            this.streamingChatModel = streamingChatModel;
            return this;
        }

        public Builder adapter(SvfAdapter adapter) {
            this.adapter = adapter;
            return this;
        }

        public Builder dispatcher(Dispatcher dispatcher) {
            this.dispatcher = dispatcher;
            return this;
        }

        /** Where streaming requests run their first pass (default: shared daemon threads). */
        public Builder executor(ExecutorService executor) {
            this.executor = executor;
            return this;
        }

        public T2ChatModel build() {
            return new T2ChatModel(this);
        }
    }
}
