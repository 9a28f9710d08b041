package dev.titans4j.t2.chat;

import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.ChatMessage;
import java.util.List;

/** A ChatML family that reasons before it answers (Qwen3, SmolLM3): thinking is on unless a render says off. */
abstract class ThinkingChatMlFormat implements ChatFormat {

    @Override
    public final boolean thinks() {
        return true;
    }

    @Override
    public final String render(List<ChatMessage> messages, boolean addGenerationPrompt) {
        return render(messages, List.of(), addGenerationPrompt, true);
    }

    @Override
    public final String render(List<ChatMessage> messages, List<ToolSpecification> tools,
                               boolean addGenerationPrompt) {
        return render(messages, tools, addGenerationPrompt, true);
    }

    @Override
    public abstract String render(List<ChatMessage> messages, List<ToolSpecification> tools,
                                  boolean addGenerationPrompt, boolean thinking);

    @Override
    public final boolean prependBos() {
        return false;
    }

    @Override
    public final List<String> stopStrings() {
        return List.of(ChatMl.END);
    }
}
