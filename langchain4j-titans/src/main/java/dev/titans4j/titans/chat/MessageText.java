package dev.titans4j.titans.chat;

import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.TextContent;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;

import java.util.stream.Collectors;

/** The text and speaker label of a message as the long-term memory stores it. */
final class MessageText {

    static final String USER = "user";
    static final String AI = "ai";
    static final String TOOL = "tool";
    static final String SYSTEM = "system";

    private MessageText() {
    }

    /** The memorable text: user text contents, AI text (not tool requests), tool result text, system text. */
    static String of(ChatMessage message) {
        if (message instanceof UserMessage user) {
            return user.contents().stream().filter(TextContent.class::isInstance)
                    .map(c -> ((TextContent) c).text()).collect(Collectors.joining("\n"));
        }
        if (message instanceof AiMessage ai) {
            return ai.text() == null ? "" : ai.text();
        }
        if (message instanceof ToolExecutionResultMessage tool) {
            return tool.toolName() + ": " + tool.text();
        }
        if (message instanceof SystemMessage system) {
            return system.text();
        }
        return "";
    }

    static String speaker(ChatMessage message) {
        if (message instanceof UserMessage) {
            return USER;
        }
        if (message instanceof AiMessage) {
            return AI;
        }
        if (message instanceof ToolExecutionResultMessage) {
            return TOOL;
        }
        if (message instanceof SystemMessage) {
            return SYSTEM;
        }
        return message.type().name().toLowerCase(java.util.Locale.ROOT);
    }
}
