package dev.titans4j.demo;

import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.UserMessage;

/**
 * One message of the demo conversation.
 *
 * @param index   position in the whole conversation (0-based); a fresh memory gives it this sequence number
 * @param session the session it belongs to (1-based)
 * @param fromUser whether the user said it (otherwise the assistant)
 * @param text    what was said
 * @param key     the question it answers, or {@code null}
 */
public record ScriptMessage(int index, int session, boolean fromUser, String text, String key) {

    public ChatMessage toChatMessage() {
        return fromUser ? UserMessage.from(text) : AiMessage.from(text);
    }

    public String speaker() {
        return fromUser ? "user" : "ai";
    }
}
