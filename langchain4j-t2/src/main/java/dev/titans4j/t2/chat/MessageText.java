package dev.titans4j.t2.chat;

import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.Content;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.TextContent;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.exception.UnsupportedFeatureException;
import java.util.List;

/** The text of LangChain4j messages, refusing what a text-only model cannot read. */
final class MessageText {

    private MessageText() {
    }

    static String of(ChatMessage message) {
        if (message instanceof SystemMessage s) {
            return s.text();
        }
        if (message instanceof UserMessage u) {
            return user(u);
        }
        if (message instanceof AiMessage a) {
            return a.text() == null ? "" : a.text();
        }
        if (message instanceof ToolExecutionResultMessage t) {
            return toolResult(t);
        }
        throw new UnsupportedFeatureException("messages of type " + message.type()
                + " are not supported by this model; use system, user, AI and tool-result messages");
    }

    static void requireNotEmpty(List<ChatMessage> messages) {
        if (messages == null || messages.isEmpty()) {
            throw new IllegalArgumentException("messages must not be empty");
        }
        for (ChatMessage m : messages) {
            if (m == null) {
                throw new IllegalArgumentException("messages must not contain null");
            }
        }
    }

    private static String user(UserMessage message) {
        return texts(message.contents(), "the user message", ", which is not supported");
    }

    /**
     * A tool may return several contents (a {@code List<Content>}), where {@link ToolExecutionResultMessage#text()}
     * throws: text parts are joined like a user message's, anything else is refused in the words LangChain4j's
     * suites expect of every provider ("non-text content in tool results").
     */
    private static String toolResult(ToolExecutionResultMessage message) {
        return texts(message.contents(), "the result of tool '" + message.toolName() + "'",
                "; non-text content in tool results is not supported");
    }

    /** The text parts joined by newlines; other content is refused, naming {@code where} it was. */
    private static String texts(List<Content> contents, String where, String refusal) {
        StringBuilder text = new StringBuilder();
        for (Content content : contents) {
            if (!(content instanceof TextContent t)) {
                throw new UnsupportedFeatureException("this model reads text only; " + where + " contains "
                        + describe(content) + " content" + refusal);
            }
            if (!text.isEmpty()) {
                text.append('\n');
            }
            text.append(t.text());
        }
        return text.toString();
    }

    private static String describe(Content content) {
        return content.type() == null ? content.getClass().getSimpleName() : content.type().name().toLowerCase();
    }
}
