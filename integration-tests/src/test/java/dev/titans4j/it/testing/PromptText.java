package dev.titans4j.it.testing;

import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import java.util.List;
import java.util.stream.Collectors;

/** The text of chat messages, for assertions on what a model was shown or a memory holds. */
public final class PromptText {

    private PromptText() {
    }

    public static String of(List<ChatMessage> messages) {
        return messages.stream().map(PromptText::of).collect(Collectors.joining("\n"));
    }

    public static String of(ChatMessage m) {
        if (m instanceof UserMessage u) {
            return u.hasSingleText() ? u.singleText() : u.contents().toString();
        }
        if (m instanceof AiMessage a) {
            return a.text() == null ? "" : a.text();
        }
        if (m instanceof SystemMessage s) {
            return s.text();
        }
        if (m instanceof ToolExecutionResultMessage t) {
            return t.text();
        }
        return m.toString();
    }

    /** One line per message, {@code TYPE: text}, to compare whole memories. */
    public static List<String> typed(List<ChatMessage> messages) {
        return messages.stream().map(m -> m.type() + ": " + of(m)).toList();
    }
}
