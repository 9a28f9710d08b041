package dev.titans4j.demo;

import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;

/** The plain text of a chat message, for token counts. */
final class MessageTexts {

    private MessageTexts() {
    }

    static String of(ChatMessage m) {
        if (m instanceof UserMessage u) {
            return u.hasSingleText() ? u.singleText() : "";
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
        return "";
    }
}
