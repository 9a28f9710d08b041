package dev.titans4j.t2;

import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.titans4j.t2.engine.GenerationResult;
import dev.titans4j.t2.engine.StopReason;
import dev.titans4j.t2.tools.ParsedAnswer;
import dev.titans4j.t2.tools.ToolCallException;
import java.util.List;
import java.util.concurrent.CancellationException;

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
 * Thread-safe. Tools are offered in the model family's own prompt format and its answers parsed into
 * {@code ToolExecutionRequest}s ({@code FinishReason.TOOL_EXECUTION}); {@code ToolChoice.REQUIRED} and JSON response
 * formats (with or without a schema) are enforced by constrained decoding. A tool call the model writes but that
 * cannot be executed (invalid JSON, unknown tool, wrong argument types) fails with
 * {@link dev.titans4j.t2.tools.ToolCallException}. Images are not supported. Several models can share one loaded
 * {@link OnnxChatEngine} ({@code engine(...)}). Models that reason first (Qwen3, SmolLM3, {@code jinja} templates
 * with {@code <think>}) have their {@code <think>...</think>} split off the answer: it is the message's
 * {@code thinking()} with {@code returnThinking(true)}, and dropped otherwise. Interrupting the calling thread stops
 * generation before the next token (or prompt chunk) and throws a {@link CancellationException}, the interrupt
 * status left set.
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
        if (result.stopReason() == StopReason.CANCELLED) {
            // a cut answer returned as a success would reach chat memory and listeners' onResponse
            throw new CancellationException("The chat was interrupted after " + result.outputTokens()
                    + " output tokens; the thread's interrupt status stays set");
        }
        ChatRequestPlanner.Answers answers = plan.answers();
        ThinkingSplitter split = answers.splitsThinking()
                ? ThinkingSplitter.split(result.text(), answers.startsInThinking()) : null;
        String text = split == null ? result.text() : split.text();
        String thinking = split == null ? null : split.thinking();
        if (!answers.parsesToolCalls()) {
            return toResponse(result, new ParsedAnswer(text, List.of()), thinking);
        }
        try {
            return toResponse(result, answers.syntax().parse(text, answers.tools()), thinking);
        } catch (ToolCallException e) {
            throw explainTruncation(e, result);
        }
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
