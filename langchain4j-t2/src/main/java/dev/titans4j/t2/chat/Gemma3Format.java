package dev.titans4j.t2.chat;

import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.exception.UnsupportedFeatureException;
import java.util.List;

/**
 * Gemma 3's template (the instruction-tuned text models): {@code <bos>} in the text, then per message
 * {@code <start_of_turn>role\n} + content with surrounding whitespace trimmed + {@code <end_of_turn>\n}, the
 * assistant's role being {@code model}; generation prompt {@code <start_of_turn>model\n}. Gemma has no system role:
 * a leading system message is folded into the first turn as its text + {@code \n\n}. The template refuses
 * conversations whose user and model turns do not alternate; this format writes them as given. No tools: the
 * template has no tool calls or results.
 */
public final class Gemma3Format implements ChatFormat {

    public static final String NAME = "gemma3";

    private static final String END_OF_TURN = "<end_of_turn>";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String render(List<ChatMessage> messages, boolean addGenerationPrompt) {
        MessageText.requireNotEmpty(messages);
        StringBuilder out = new StringBuilder("<bos>");
        String prefix = "";
        int start = 0;
        if (messages.get(0) instanceof SystemMessage system) {
            prefix = system.text() + "\n\n";
            start = 1;
        }
        for (int i = start; i < messages.size(); i++) {
            ChatMessage message = messages.get(i);
            if (message instanceof ToolExecutionResultMessage
                    || message instanceof AiMessage ai && ai.hasToolExecutionRequests()) {
                throw new UnsupportedFeatureException("the " + NAME + " chat format cannot write tool calls or"
                        + " tool results: Gemma 3's template has none");
            }
            String role = message instanceof AiMessage ? "model" : message instanceof SystemMessage ? "system" : "user";
            out.append("<start_of_turn>").append(role).append('\n').append(i == start ? prefix : "")
                    .append(Strip.whitespace(MessageText.of(message))).append(END_OF_TURN).append('\n');
        }
        if (addGenerationPrompt) {
            out.append("<start_of_turn>model\n");
        }
        return out.toString();
    }

    @Override
    public boolean prependBos() {
        return false; // <bos> is part of the text
    }

    @Override
    public List<String> stopStrings() {
        return List.of(END_OF_TURN);
    }

    @Override
    public String toString() {
        return NAME;
    }
}
