package dev.titans4j.t2.dispatch;

import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.UserMessage;
import java.util.List;
import java.util.Objects;

/**
 * One labelled example of a task: a conversation and the answer the model should give, exactly as the text that
 * follows the rendered prompt (with a plain-text base model that usually starts with a space).
 */
public record FewShotExample(List<ChatMessage> messages, String answer) {

    public FewShotExample {
        messages = List.copyOf(messages);
        Objects.requireNonNull(answer, "answer");
        if (messages.isEmpty() || answer.isEmpty()) {
            throw new IllegalArgumentException("A few-shot example needs messages and a non-empty answer");
        }
    }

    public static FewShotExample of(String question, String answer) {
        return new FewShotExample(List.of(UserMessage.from(question)), answer);
    }
}
