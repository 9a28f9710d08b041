package dev.titans4j.t2.chat;

import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.exception.UnsupportedFeatureException;
import java.util.List;

/**
 * Microsoft Phi's templates: {@code <|system|>}, {@code <|user|>}, {@code <|assistant|>} tags, each message ended by
 * {@code <|end|>}; without a generation prompt the text ends with {@code <|endoftext|>} (the template's EOS).
 * <ul>
 *   <li>{@code phi3} (Phi-3/3.5-mini): a newline after each tag and after {@code <|end|>}; an empty system message
 *   is left out.</li>
 *   <li>{@code phi4-mini} (Phi-4-mini-instruct): no newlines, every message written.</li>
 * </ul>
 * Tools are not offered: Phi-3 has none, and Phi-4-mini's {@code <|tool|>} form (tool definitions on the system
 * message) comes with a call syntax this provider does not parse yet.
 */
public final class PhiFormat implements ChatFormat {

    public static final String PHI3 = "phi3";
    public static final String PHI4_MINI = "phi4-mini";

    private static final String END = "<|end|>";
    private static final String END_OF_TEXT = "<|endoftext|>";

    private final String name;
    private final String afterTag;

    private PhiFormat(String name, String afterTag) {
        this.name = name;
        this.afterTag = afterTag;
    }

    public static PhiFormat phi3() {
        return new PhiFormat(PHI3, "\n");
    }

    public static PhiFormat phi4Mini() {
        return new PhiFormat(PHI4_MINI, "");
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String render(List<ChatMessage> messages, boolean addGenerationPrompt) {
        MessageText.requireNotEmpty(messages);
        StringBuilder out = new StringBuilder();
        for (ChatMessage message : messages) {
            if (message instanceof ToolExecutionResultMessage
                    || message instanceof AiMessage ai && ai.hasToolExecutionRequests()) {
                throw new UnsupportedFeatureException("the " + name + " chat format cannot write tool calls or tool"
                        + " results");
            }
            String text = MessageText.of(message);
            if (message instanceof SystemMessage && text.isEmpty() && name.equals(PHI3)) {
                continue;
            }
            String role = message instanceof SystemMessage ? "system" : message instanceof UserMessage ? "user"
                    : "assistant";
            out.append("<|").append(role).append("|>").append(afterTag).append(text).append(END).append(afterTag);
        }
        out.append(addGenerationPrompt ? "<|assistant|>" + afterTag : END_OF_TEXT);
        return out.toString();
    }

    @Override
    public boolean prependBos() {
        return false;
    }

    @Override
    public List<String> stopStrings() {
        return List.of(END);
    }

    @Override
    public String toString() {
        return name;
    }
}
