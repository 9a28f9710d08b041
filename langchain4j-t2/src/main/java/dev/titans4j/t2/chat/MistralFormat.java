package dev.titans4j.t2.chat;

import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import java.util.ArrayList;
import java.util.List;

/**
 * Mistral's {@code [INST]} format, as the current template of Mistral-7B-Instruct v0.1/v0.2 writes it:
 * {@code <s> [INST] user [/INST] answer</s> [INST] next [/INST]}. Mistral has no system role: as that template
 * does, a leading system prompt is folded into the first user turn as {@code system + "\n\n" + user}.
 *
 * <p>Where Mistral's template would reject a conversation (roles not alternating, a system message later on), this
 * format stays usable: consecutive user-side messages (user text, tool results, later system messages) are joined
 * with a blank line into one {@code [INST]} block. Tool results are written as their text; tool calls of an AI
 * message as JSON {@code {"name": ..., "arguments": ...}} lines.
 */
public final class MistralFormat implements ChatFormat {

    public static final String NAME = "mistral";
    private static final String BOS = "<s>";
    private static final String EOS = "</s>";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String render(List<ChatMessage> messages, boolean addGenerationPrompt) {
        MessageText.requireNotEmpty(messages);
        StringBuilder out = new StringBuilder(BOS);
        List<String> pending = new ArrayList<>(); // user-side texts of the [INST] block being collected
        for (ChatMessage message : messages) {
            if (message instanceof AiMessage ai) {
                closeInstruction(out, pending);
                out.append(' ').append(aiText(ai)).append(EOS);
            } else {
                pending.add(MessageText.of(message));
            }
        }
        closeInstruction(out, pending);
        return out.toString(); // the prompt already ends where the answer starts; no extra generation prompt
    }

    private static void closeInstruction(StringBuilder out, List<String> pending) {
        if (!pending.isEmpty()) {
            out.append(" [INST] ").append(String.join("\n\n", pending)).append(" [/INST]");
            pending.clear();
        }
    }

    private static String aiText(AiMessage ai) {
        StringBuilder text = new StringBuilder(ai.text() == null ? "" : ai.text());
        if (ai.hasToolExecutionRequests()) {
            ai.toolExecutionRequests().forEach(call -> {
                if (!text.isEmpty()) {
                    text.append('\n');
                }
                text.append("{\"name\": \"").append(call.name()).append("\", \"arguments\": ")
                        .append(ToolArguments.json(call)).append('}');
            });
        }
        return text.toString();
    }

    @Override
    public boolean prependBos() {
        return false; // <s> is part of the text
    }

    @Override
    public List<String> stopStrings() {
        return List.of(EOS);
    }

    @Override
    public String toString() {
        return NAME;
    }
}
