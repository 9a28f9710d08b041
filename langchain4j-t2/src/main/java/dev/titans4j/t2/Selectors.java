package dev.titans4j.t2;

import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.titans4j.t2.engine.TokenSelector;
import dev.titans4j.t2.generation.SamplingParameters;

/** Maps LangChain4j request parameters to the sampler that picks each token. */
final class Selectors {

    private Selectors() {
    }

    /** The sampling settings of merged request parameters; throws on out-of-range values. */
    static SamplingParameters samplingParameters(ChatRequestParameters p) {
        SamplingParameters.Builder b = SamplingParameters.builder()
                .temperature(p.temperature())
                .topK(p.topK())
                .topP(p.topP())
                .frequencyPenalty(p.frequencyPenalty())
                .presencePenalty(p.presencePenalty());
        if (p instanceof OnnxChatRequestParameters onnx) {
            b.minP(onnx.minP()).seed(onnx.seed()).repetitionPenalty(onnx.repetitionPenalty());
        }
        return b.build();
    }

    /** A selector for one request: the sampler plus a history of prompt and generated tokens for penalties. */
    static TokenSelector forParameters(ChatRequestParameters p, int[] promptIds, int vocabSize) {
        return TokenSelector.sampling(samplingParameters(p), promptIds, vocabSize);
    }
}
