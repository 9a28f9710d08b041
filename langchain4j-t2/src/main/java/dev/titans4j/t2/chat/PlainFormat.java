package dev.titans4j.t2.chat;

import dev.langchain4j.data.message.ChatMessage;
import java.util.List;

/**
 * No chat markup, for base models: the prompt is the messages' texts (system, user, AI, tool results) concatenated
 * in order, exactly as given, with no separator; the model continues the text. BOS is prepended when the tokenizer
 * config says so ({@code add_bos_token}).
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
