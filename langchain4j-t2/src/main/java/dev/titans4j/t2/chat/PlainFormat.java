package dev.titans4j.t2.chat;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.titans4j.t2.tools.ToolPrompts;
import java.util.List;

/**
 * No chat markup, for base models: the prompt is the messages' texts (system, user, AI, tool results) concatenated
 * in order, exactly as given, with no separator; the model continues the text. BOS is prepended when the tokenizer
 * config says so ({@code add_bos_token}).
 *
 * <p>A base model has no tool convention and cannot read tool signatures, so offered tools are not written into the
 * prompt (they would only use up a small model's context); tools are called when forced
 * ({@code ToolChoice.REQUIRED}, by constrained decoding) in the Hermes syntax, and earlier calls and results are
 * written as {@code <tool_call>} and {@code <tool_response>} blocks, each on its own line.
 */
public final class PlainFormat implements ChatFormat {

    public static final String NAME = "plain";

    private final boolean prependBos;

    public PlainFormat(boolean prependBos) {
        this.prependBos = prependBos;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String render(List<ChatMessage> messages, boolean addGenerationPrompt) {
        MessageText.requireNotEmpty(messages);
        StringBuilder out = new StringBuilder();
        for (ChatMessage message : messages) {
            out.append(MessageText.of(message));
        }
        return out.toString();
    }

    @Override
    public String render(List<ChatMessage> messages, List<ToolSpecification> tools, boolean addGenerationPrompt) {
        if (tools == null || tools.isEmpty()) {
            return render(messages, addGenerationPrompt);
        }
        MessageText.requireNotEmpty(messages);
        StringBuilder out = new StringBuilder();
        for (ChatMessage message : messages) {
            if (message instanceof ToolExecutionResultMessage) {
                out.append("<tool_response>\n").append(MessageText.of(message)).append("\n</tool_response>\n");
            } else if (message instanceof AiMessage ai && ai.hasToolExecutionRequests()) {
                out.append(MessageText.of(ai));
                for (ToolExecutionRequest call : ai.toolExecutionRequests()) {
                    out.append(ToolPrompts.hermesCall(call)).append('\n');
                }
            } else {
                out.append(MessageText.of(message));
            }
        }
        return out.toString();
    }

    @Override
    public boolean prependBos() {
        return prependBos;
    }

    @Override
    public List<String> stopStrings() {
        return List.of();
    }

    @Override
    public String toString() {
        return NAME + (prependBos ? " (BOS)" : "");
    }
}
