package dev.titans4j.t2;

import dev.langchain4j.exception.UnsupportedFeatureException;
import dev.langchain4j.internal.ChatRequestValidationUtils;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.titans4j.t2.engine.GenerationRequest;
import dev.titans4j.t2.engine.PromptTooLongException;
import dev.titans4j.t2.engine.TokenSelector;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Turns a LangChain4j {@link ChatRequest} (parameters already merged with the model's defaults) into what the
 * engine runs: prompt token ids, limits and a token selector. All validation happens here, on the caller's thread,
 * before anything runs: unsupported features first (tool choice before tools, as LangChain4j's own providers do),
 * then parameter ranges and the prompt length.
 */
final class ChatRequestPlanner {

    private final OnnxChatEngine engine;

    ChatRequestPlanner(OnnxChatEngine engine) {
        this.engine = engine;
    }

    /** {@code svfMultipliers}: graph input name to multipliers for this request (empty = base model). */
    record Plan(GenerationRequest generation, TokenSelector selector, Map<String, float[]> svfMultipliers) {
    }

    /** Validates, then formats and tokenizes the conversation. */
    Plan plan(ChatRequest request) {
        validate(request);
        return prepare(request);
    }

    /** Checks features and parameters; cheap, so streaming calls it on the caller's thread. */
    void validate(ChatRequest request) {
        validate(request.parameters(), engine.modelName());
        ChatRequestValidationUtils.validateMessages(request.messages());
    }

    /**
     * Formats and tokenizes a validated request. Like a server-side check, a prompt that does not fit the context
     * fails here ({@link PromptTooLongException}), before the model runs.
     */
    Plan prepare(ChatRequest request) {
        ChatRequestParameters parameters = request.parameters();
        int[] promptIds = engine.promptIds(request.messages());
        int context = engine.model().contextLength();
        if (promptIds.length >= context) {
            throw new PromptTooLongException(promptIds.length, context);
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
        return new Plan(generation, Selectors.forParameters(parameters, promptIds, engine.model().vocabSize()), svf);
    }

    /**
     * Checks parameters for features this provider lacks and for out-of-range values; used for per-request
     * parameters and for a model's default parameters at build time.
     */
    static void validate(ChatRequestParameters p, String modelName) {
        ChatRequestValidationUtils.validate(p.toolChoice());
        ChatRequestValidationUtils.validate(p.toolSpecifications());
        ChatRequestValidationUtils.validate(p.responseFormat());
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
