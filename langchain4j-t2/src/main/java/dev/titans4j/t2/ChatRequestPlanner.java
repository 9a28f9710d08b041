package dev.titans4j.t2;

import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.exception.UnsupportedFeatureException;
import dev.langchain4j.internal.ChatRequestValidationUtils;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.request.ResponseFormat;
import dev.langchain4j.model.chat.request.ResponseFormatType;
import dev.langchain4j.model.chat.request.ToolChoice;
import dev.titans4j.t2.constrain.ConstrainedDecoder;
import dev.titans4j.t2.constrain.ConstraintLimits;
import dev.titans4j.t2.constrain.JsonConstraint;
import dev.titans4j.t2.engine.GenerationRequest;
import dev.titans4j.t2.engine.PromptTooLongException;
import dev.titans4j.t2.engine.TokenSelector;
import dev.titans4j.t2.tools.ToolCallSyntax;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Turns a LangChain4j {@link ChatRequest} (parameters already merged with the model's defaults) into what the
 * engine runs: prompt token ids, limits and a token selector. All validation happens here, on the caller's thread,
 * before anything runs: unsupported features first (tool choice before tools, as LangChain4j's own providers do),
 * then parameter ranges and the prompt length.
 *
 * <p>Tools are offered in the chat format's own way unless the tool choice is {@code NONE}. Constrained decoding
 * applies to {@code ToolChoice.REQUIRED} (the answer is one or more calls in the family's syntax, of the offered
 * tools, with arguments valid for their parameters) and to JSON response formats (JSON valid against the schema;
 * without a schema, any JSON object). With optional tools and a JSON format the answer is either one tool call
 * (in the family's syntax) or the JSON; forced calls win over a format.
 *
 * <p>Thinking: a family that reasons first ({@code ChatFormat.thinks()}) thinks as the request's
 * {@code enableThinking} says (unset: the template's default), unless its answer is constrained (JSON formats,
 * forced calls): a grammar holds from the first token, where reasoning would have to go, so those prompts switch
 * thinking off as the template's {@code enable_thinking=false} does. Answers of such families are split into
 * thinking and text; an answer to a prompt that already opened {@code <think>} starts in the thinking.
 */
final class ChatRequestPlanner {

    /**
     * Grammar bounds unless the builder sets others: single whitespace characters (a model may write
     * {@code ": "} but cannot idle in whitespace), strings up to 256 bytes, every declared property written (what
     * LangChain4j's POJO deserialisation expects).
     */
    static final ConstraintLimits DEFAULT_LIMITS = ConstraintLimits.builder().maxWhitespace(1).maxStringBytes(256)
            .requireAllProperties(true).build();

    private final OnnxChatEngine engine;
    private final ConstraintLimits limits;

    ChatRequestPlanner(OnnxChatEngine engine) {
        this(engine, DEFAULT_LIMITS);
    }

    ChatRequestPlanner(OnnxChatEngine engine, ConstraintLimits limits) {
        this.engine = engine;
        this.limits = limits == null ? DEFAULT_LIMITS : limits;
    }

    /** {@code svfMultipliers}: graph input name to multipliers for this request (empty = base model). */
    record Plan(GenerationRequest generation, TokenSelector selector, Map<String, float[]> svfMultipliers,
                Answers answers) {
    }

    /**
     * How to read the answer: reasoning first when {@code splitsThinking} (from its first character when
     * {@code startsInThinking}: the prompt opened it), then tool calls of {@code tools} in {@code syntax}, or (no
     * tools) plain text.
     */
    record Answers(List<ToolSpecification> tools, ToolCallSyntax syntax, boolean splitsThinking,
                   boolean startsInThinking) {
        Answers(List<ToolSpecification> tools, ToolCallSyntax syntax, boolean splitsThinking) {
            this(tools, syntax, splitsThinking, false);
        }

        boolean parsesToolCalls() {
            return !tools.isEmpty();
        }
    }

    /** Validates, then formats and tokenizes the conversation. */
    Plan plan(ChatRequest request) {
        validate(request);
        return prepare(request);
    }

    /** Checks features and parameters; cheap, so streaming calls it on the caller's thread. */
    void validate(ChatRequest request) {
        engine.requireOpen();
        requireToolsIfRequired(request.parameters());
        validate(request.parameters(), engine.modelName());
        validateSvf(request.parameters());
        ChatRequestValidationUtils.validateMessages(request.messages());
        constraint(request.parameters(), offeredTools(request.parameters())); // schema errors surface here
    }

    /**
     * Formats and tokenizes a validated request. Like a server-side check, a prompt that does not fit the context
     * fails here ({@link PromptTooLongException}), before the model runs.
     */
    Plan prepare(ChatRequest request) {
        ChatRequestParameters parameters = request.parameters();
        List<ToolSpecification> tools = offeredTools(parameters);
        JsonConstraint constraint = constraint(parameters, tools);
        OnnxChatEngine.Prompt prompt = engine.prompt(request.messages(), tools, thinking(parameters, constraint));
        int[] promptIds = prompt.ids();
        int context = engine.model().contextLength();
        if (promptIds.length >= context) {
            throw new PromptTooLongException(promptIds.length, context,
                    engine.model().manifest().dimensions().contextLength());
        }
        int room = context - promptIds.length;
        Integer requested = parameters.maxOutputTokens();
        int maxOutputTokens = requested == null ? room : Math.min(requested, room);

        List<String> stops = new ArrayList<>(engine.formatTextStops());
        if (parameters.stopSequences() != null) {
            stops.addAll(parameters.stopSequences());
        }
        GenerationRequest generation = new GenerationRequest(promptIds, maxOutputTokens, engine.stopTokenIds(),
                stops);
        Map<String, float[]> svf = parameters instanceof OnnxChatRequestParameters onnx
                && onnx.svfMultipliers() != null ? onnx.svfMultipliers().asMap() : Map.of();
        TokenSelector selector = Selectors.forParameters(parameters, promptIds, engine.model().vocabSize());
        if (constraint != null) {
            int[] eos = engine.tokenVocabulary().eosTokenIds();
            if (eos.length == 0) {
                throw new IllegalStateException("constrained output needs an end-of-sequence token, and model '"
                        + engine.modelName() + "' declares none");
            }
            ConstrainedDecoder decoder = constraint.start(engine.tokenVocabulary());
            int smallest = decoder.tokensToClose();
            if (smallest > maxOutputTokens) {
                throw new IllegalArgumentException("the answer may take at most " + maxOutputTokens + " tokens ("
                        + (requested != null && requested <= room ? "maxOutputTokens" : "what the context leaves after"
                        + " the prompt") + "), but the smallest answer the JSON schema or tool call allows takes about "
                        + smallest + " tokens of model '" + engine.modelName() + "'");
            }
            selector = new ConstrainedSelector(decoder, selector, eos[0], maxOutputTokens);
        }
        boolean thinks = engine.chatFormat().thinks();
        // a grammar holds from the first token: a constrained answer is never read as reasoning
        boolean startsInThinking = thinks && constraint == null && ThinkingSplitter.opensReasoning(prompt.text());
        Answers answers = new Answers(tools, engine.chatFormat().toolCallSyntax(), thinks, startsInThinking);
        return new Plan(generation, selector, svf, answers);
    }

    /**
     * Whether the prompt lets the model think: off under a constraint, else as asked, or null (not asked) for the
     * template's default.
     */
    private static Boolean thinking(ChatRequestParameters p, JsonConstraint constraint) {
        if (constraint != null) {
            return false;
        }
        return p instanceof OnnxChatRequestParameters onnx ? onnx.enableThinking() : null;
    }

    /** The tools to offer: none when the request has none or forbids calls ({@code ToolChoice.NONE}). */
    private static List<ToolSpecification> offeredTools(ChatRequestParameters p) {
        List<ToolSpecification> tools = p.toolSpecifications();
        if (tools == null || tools.isEmpty() || p.toolChoice() == ToolChoice.NONE) {
            return List.of();
        }
        return tools;
    }

    private static boolean forcesToolCall(ChatRequestParameters p, List<ToolSpecification> tools) {
        return !tools.isEmpty() && p.toolChoice() == ToolChoice.REQUIRED;
    }

    /** The grammar the answer must follow, compiled once per schema or tool list (cached by the engine). */
    private JsonConstraint constraint(ChatRequestParameters p, List<ToolSpecification> tools) {
        ToolCallSyntax syntax = engine.chatFormat().toolCallSyntax();
        if (forcesToolCall(p, tools)) {
            return engine.constraint(List.of("tool calls", syntax.toString(), tools, limits),
                    () -> syntax.requiredCallConstraint(tools).withLimits(limits));
        }
        JsonConstraint format = responseFormatConstraint(p);
        if (format == null || tools.isEmpty()) {
            return format;
        }
        // optional tools and a JSON format: a call, or the JSON answer
        return engine.constraint(List.of("call or JSON", syntax.toString(), tools, format),
                () -> JsonConstraint.either(syntax.requiredCallConstraint(tools).withLimits(limits), format));
    }

    private JsonConstraint responseFormatConstraint(ChatRequestParameters p) {
        ResponseFormat format = p.responseFormat();
        if (format == null || format.type() != ResponseFormatType.JSON) {
            return null;
        }
        if (format.jsonSchema() == null) {
            return engine.constraint(List.of("any JSON object", limits),
                    () -> JsonConstraint.anyJsonObject().withLimits(limits));
        }
        return engine.constraint(List.of(format.jsonSchema(), limits),
                () -> JsonConstraint.forSchema(format.jsonSchema()).withLimits(limits));
    }

    /** SVF multipliers must name the model's SVF inputs, each with one multiplier per singular value. */
    private void validateSvf(ChatRequestParameters p) {
        if (p instanceof OnnxChatRequestParameters onnx && onnx.svfMultipliers() != null) {
            engine.model().checkMultipliers(onnx.svfMultipliers().asMap());
        }
    }

    /**
     * Only a request's (merged) parameters must offer a tool to require: a model's defaults may require a call of
     * whichever tools each request brings (what an AI service that must always use its tools needs).
     */
    private static void requireToolsIfRequired(ChatRequestParameters p) {
        if (p.toolChoice() == ToolChoice.REQUIRED && (p.toolSpecifications() == null
                || p.toolSpecifications().isEmpty())) {
            throw new IllegalArgumentException("toolChoice REQUIRED needs at least one tool specification");
        }
    }

    /**
     * Checks parameters for features this provider lacks and for out-of-range values; used for per-request
     * parameters and for a model's default parameters at build time.
     */
    static void validate(ChatRequestParameters p, String modelName) {
        if (p.toolSpecifications() != null) {
            java.util.Set<String> names = new java.util.HashSet<>();
            for (ToolSpecification tool : p.toolSpecifications()) {
                if (tool.name() == null || tool.name().isBlank()) {
                    throw new IllegalArgumentException("a tool specification has no name");
                }
                if (!names.add(tool.name())) {
                    throw new IllegalArgumentException("two tool specifications are named '" + tool.name()
                            + "'; the model could not tell them apart");
                }
            }
        }
        if (p.modelName() != null && !p.modelName().equals(modelName)) {
            throw new UnsupportedFeatureException("'modelName' parameter '" + p.modelName() + "' is not supported"
                    + " by this model provider: it serves only the model it was built with, '" + modelName + "'");
        }
        Selectors.samplingParameters(p); // range checks of the sampling knobs
        if (p.maxOutputTokens() != null && p.maxOutputTokens() < 1) {
            throw new IllegalArgumentException("maxOutputTokens must be at least 1, got " + p.maxOutputTokens());
        }
        if (p.stopSequences() != null && p.stopSequences().stream().anyMatch(s -> s == null || s.isEmpty())) {
            throw new IllegalArgumentException("stopSequences must not contain null or empty strings");
        }
    }
}
