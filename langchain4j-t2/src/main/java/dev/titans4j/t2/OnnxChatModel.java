package dev.titans4j.t2;

import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.titans4j.t2.engine.GenerationResult;

/**
 * A LangChain4j {@link ChatModel} running an exported model locally with ONNX Runtime.
 *
 * <pre>{@code
 * ChatModel model = OnnxChatModel.builder()
 *         .modelPath("models/SmolLM2-135M-Instruct-onnx")
 *         .temperature(0.0)
 *         .maxOutputTokens(256)
 *         .build();
 * }</pre>
 *
 * Thread-safe. Tools and JSON response formats are not supported yet ({@code UnsupportedFeatureException}),
 * nor are images. Several models can share one loaded {@link OnnxChatEngine} ({@code engine(...)}).
 */
public class OnnxChatModel extends OnnxBaseChatModel implements ChatModel {

    protected OnnxChatModel(Builder builder) {
        super(builder);
    }

    @Override
    public ChatResponse doChat(ChatRequest chatRequest) {
        ChatRequestPlanner.Plan plan = planner.plan(chatRequest);
        GenerationResult result = engine.generator().generate(plan.generation(), plan.selector(),
                plan.svfMultipliers(), piece -> { },
                () -> Thread.currentThread().isInterrupted());
        return toResponse(result);
    }

    public static Builder builder() {
        return new Builder();
    }

    public static class Builder extends OnnxBaseChatModel.Builder<OnnxChatModel, Builder> {

        @Override
        public OnnxChatModel build() {
            return new OnnxChatModel(this);
        }
    }
}
