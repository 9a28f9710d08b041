package dev.titans4j.t2;

import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.model.ModelProvider;
import dev.langchain4j.model.chat.Capability;
import dev.langchain4j.model.chat.listener.ChatModelListener;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.request.DefaultChatRequestParameters;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.ChatResponseMetadata;
import dev.langchain4j.model.output.FinishReason;
import dev.langchain4j.model.output.TokenUsage;
import dev.titans4j.t2.constrain.ConstraintLimits;
import dev.titans4j.t2.engine.EngineOptions;
import dev.titans4j.t2.engine.ExecutionProvider;
import dev.titans4j.t2.engine.GenerationResult;
import dev.titans4j.t2.tools.ParsedAnswer;
import dev.titans4j.t2.tools.ToolCallException;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/** What the blocking and the streaming chat model share: the engine, default parameters, listeners, responses. */
abstract class OnnxBaseChatModel implements AutoCloseable {

    protected final OnnxChatEngine engine;
    private final boolean ownsEngine;
    protected final OnnxChatRequestParameters defaultRequestParameters;
    protected final List<ChatModelListener> listeners;
    protected final ChatRequestPlanner planner;
    protected final boolean returnThinking;

    protected OnnxBaseChatModel(Builder<?, ?> builder) {
        this.listeners = listeners(builder.listeners); // before loading: a bad list must not leak an owned engine
        this.ownsEngine = builder.engine == null;
        this.engine = ownsEngine ? loadEngine(builder) : builder.engine;
        try {
            this.defaultRequestParameters = defaults(builder, engine);
            ChatRequestPlanner.validate(defaultRequestParameters, engine.modelName());
        } catch (RuntimeException e) {
            if (ownsEngine) {
                engine.close();
            }
            throw e;
        }
        this.planner = new ChatRequestPlanner(engine, builder.constraintLimits);
        this.returnThinking = Boolean.TRUE.equals(builder.returnThinking);
    }

    private static List<ChatModelListener> listeners(List<ChatModelListener> listeners) {
        if (listeners == null) {
            return List.of();
        }
        for (int i = 0; i < listeners.size(); i++) {
            if (listeners.get(i) == null) {
                throw new IllegalArgumentException("listeners must not contain null (element " + i + " is null)");
            }
        }
        return List.copyOf(listeners);
    }

    private static OnnxChatEngine loadEngine(Builder<?, ?> b) {
        if (b.modelPath == null) {
            throw new IllegalArgumentException("Set either modelPath (an exported model folder) or engine");
        }
        EngineOptions options = EngineOptions.defaults();
        if (b.threads != null) {
            options = options.withIntraOpThreads(b.threads);
        }
        if (b.executionProvider != null) {
            options = options.withExecutionProvider(b.executionProvider);
        }
        if (b.maxContextLength != null) {
            options = options.withMaxContextLength(b.maxContextLength);
        }
        return OnnxChatEngine.load(b.modelPath, options);
    }

    /** Builder settings win over {@code defaultRequestParameters}, which win over the model's own defaults. */
    private static OnnxChatRequestParameters defaults(Builder<?, ?> b, OnnxChatEngine engine) {
        ChatRequestParameters common = b.defaultRequestParameters != null ? b.defaultRequestParameters
                : DefaultChatRequestParameters.EMPTY;
        OnnxChatRequestParameters onnx = b.defaultRequestParameters instanceof OnnxChatRequestParameters o ? o
                : OnnxChatRequestParameters.EMPTY;
        OnnxChatRequestParameters configured = OnnxChatRequestParameters.builder()
                .modelName(or(common.modelName(), engine.modelName()))
                .temperature(or(b.temperature, common.temperature()))
                .topP(or(b.topP, common.topP()))
                .topK(or(b.topK, common.topK()))
                .frequencyPenalty(or(b.frequencyPenalty, common.frequencyPenalty()))
                .presencePenalty(or(b.presencePenalty, common.presencePenalty()))
                .maxOutputTokens(or(b.maxOutputTokens, common.maxOutputTokens()))
                .stopSequences(or(b.stopSequences, common.stopSequences()))
                .toolSpecifications(common.toolSpecifications())
                .toolChoice(common.toolChoice())
                .responseFormat(common.responseFormat())
                .seed(or(b.seed, onnx.seed()))
                .repetitionPenalty(or(b.repetitionPenalty, onnx.repetitionPenalty()))
                .minP(or(b.minP, onnx.minP()))
                .svfMultipliers(onnx.svfMultipliers())
                .enableThinking(or(b.enableThinking, onnx.enableThinking()))
                .build();
        return engine.modelDefaults().overrideWith(configured);
    }

    private static <T> T or(T value, T fallback) {
        return value != null ? value : fallback;
    }

    /**
     * A response whose message is {@code answer}: text and tool calls ({@code TOOL_EXECUTION} when it has calls),
     * with {@code thinking} (null: none) when {@code returnThinking} is set.
     */
    protected ChatResponse toResponse(GenerationResult result, ParsedAnswer answer, String thinking) {
        FinishReason finishReason = answer.hasToolCalls() ? FinishReason.TOOL_EXECUTION
                : switch (result.stopReason()) {
                    case END_OF_SEQUENCE, STOP_SEQUENCE -> FinishReason.STOP;
                    case MAX_OUTPUT_TOKENS, CONTEXT_FULL, CLOSED_TO_FIT -> FinishReason.LENGTH;
                    case CANCELLED -> FinishReason.OTHER;
                };
        AiMessage message = AiMessage.builder().text(answer.text()).thinking(returnThinking ? thinking : null)
                .toolExecutionRequests(answer.toolCalls()).build();
        return ChatResponse.builder()
                .aiMessage(message)
                .metadata(ChatResponseMetadata.builder()
                        .id("onnx-" + UUID.randomUUID())
                        .modelName(engine.modelName())
                        .tokenUsage(new TokenUsage(result.promptTokens(), result.outputTokens()))
                        .finishReason(finishReason)
                        .build())
                .build();
    }

    /** A malformed tool call in an answer cut off by the token limit: says so, as that is the likely cause. */
    protected static ToolCallException explainTruncation(ToolCallException e, GenerationResult result) {
        return switch (result.stopReason()) {
            case MAX_OUTPUT_TOKENS, CONTEXT_FULL -> new ToolCallException("the answer was cut off ("
                    + result.stopReason() + " after " + result.outputTokens() + " tokens) inside a tool call: "
                    + e.getMessage(), e);
            default -> e;
        };
    }

    public OnnxChatRequestParameters defaultRequestParameters() {
        return defaultRequestParameters;
    }

    public List<ChatModelListener> listeners() {
        return listeners;
    }

    /**
     * JSON-schema response formats are enforced by constrained decoding: the answer always parses and validates
     * against the schema (unless cut off by {@code maxOutputTokens} or the context length).
     */
    public Set<Capability> supportedCapabilities() {
        return Set.of(Capability.RESPONSE_FORMAT_JSON_SCHEMA);
    }

    public ModelProvider provider() {
        return ModelProvider.OTHER;
    }

    /** The shared engine; pass it to another model's builder to reuse the loaded weights. */
    public OnnxChatEngine engine() {
        return engine;
    }

    /**
     * Frees the model's memory if this chat model loaded it ({@code modelPath}); an engine passed to the builder
     * belongs to the caller and stays open.
     */
    @Override
    public void close() {
        if (ownsEngine) {
            engine.close();
        }
    }

    /** Builder settings common to both chat models; names follow LangChain4j's providers. */
    @SuppressWarnings("unchecked")
    abstract static class Builder<C, B extends Builder<C, B>> {

        private Path modelPath;
        private OnnxChatEngine engine;
        private Integer threads;
        private ExecutionProvider executionProvider;
        private Integer maxContextLength;
        private ChatRequestParameters defaultRequestParameters;
        private Double temperature;
        private Double topP;
        private Integer topK;
        private Double minP;
        private Long seed;
        private Double repetitionPenalty;
        private Double frequencyPenalty;
        private Double presencePenalty;
        private Integer maxOutputTokens;
        private List<String> stopSequences;
        private List<ChatModelListener> listeners;
        private ConstraintLimits constraintLimits;
        private Boolean enableThinking;
        private Boolean returnThinking;

        protected B self() {
            return (B) this;
        }

        /** An exported model folder (see {@code titans4j export}); loads a new engine. */
        public B modelPath(Path modelPath) {
            this.modelPath = modelPath;
            return self();
        }

        public B modelPath(String modelPath) {
            return modelPath(Path.of(modelPath));
        }

        /** An already loaded engine, shared with other models; {@code threads} etc. are then ignored. */
        public B engine(OnnxChatEngine engine) {
            this.engine = engine;
            return self();
        }

        /** ONNX Runtime intra-op threads; default: one per physical core. */
        public B threads(Integer threads) {
            this.threads = threads;
            return self();
        }

        public B executionProvider(ExecutionProvider executionProvider) {
            this.executionProvider = executionProvider;
            return self();
        }

        /** Caps the context (and each request's KV cache) below the model's own context length. */
        public B maxContextLength(Integer maxContextLength) {
            this.maxContextLength = maxContextLength;
            return self();
        }

        public B defaultRequestParameters(ChatRequestParameters defaultRequestParameters) {
            this.defaultRequestParameters = defaultRequestParameters;
            return self();
        }

        public B temperature(Double temperature) {
            this.temperature = temperature;
            return self();
        }

        public B topP(Double topP) {
            this.topP = topP;
            return self();
        }

        public B topK(Integer topK) {
            this.topK = topK;
            return self();
        }

        public B minP(Double minP) {
            this.minP = minP;
            return self();
        }

        public B seed(Long seed) {
            this.seed = seed;
            return self();
        }

        public B repetitionPenalty(Double repetitionPenalty) {
            this.repetitionPenalty = repetitionPenalty;
            return self();
        }

        public B frequencyPenalty(Double frequencyPenalty) {
            this.frequencyPenalty = frequencyPenalty;
            return self();
        }

        public B presencePenalty(Double presencePenalty) {
            this.presencePenalty = presencePenalty;
            return self();
        }

        public B maxOutputTokens(Integer maxOutputTokens) {
            this.maxOutputTokens = maxOutputTokens;
            return self();
        }

        public B stopSequences(List<String> stopSequences) {
            this.stopSequences = stopSequences;
            return self();
        }

        /**
         * Bounds of constrained output (JSON response formats, forced tool calls): string length, whitespace
         * runs, array items, depth. Default: at most one whitespace character in a row, strings up to 256 bytes,
         * all declared properties written, otherwise {@link ConstraintLimits#defaults()}.
         */
        public B constraintLimits(ConstraintLimits constraintLimits) {
            this.constraintLimits = constraintLimits;
            return self();
        }

        /**
         * Whether a model that reasons before answering (Qwen3, SmolLM3, a {@code jinja} template's
         * {@code enable_thinking}) thinks, unless a request's {@link OnnxChatRequestParameters#enableThinking()} says
         * otherwise; default (null): its template's default (Qwen3, SmolLM3: on). Ignored by other models.
         */
        public B enableThinking(Boolean enableThinking) {
            this.enableThinking = enableThinking;
            return self();
        }

        /**
         * Whether the model's reasoning ({@code <think>...</think>}) is returned in {@link AiMessage#thinking()} and
         * streamed to {@code StreamingChatResponseHandler.onPartialThinking}; default false, as LangChain4j's other
         * providers. Either way it never reaches the answer's text.
         */
        public B returnThinking(Boolean returnThinking) {
            this.returnThinking = returnThinking;
            return self();
        }

        public B listeners(List<ChatModelListener> listeners) {
            this.listeners = listeners;
            return self();
        }

        public abstract C build();
    }
}
