package dev.titans4j.t2.chat;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import java.util.List;

/**
 * Llama 3 headers, as Meta-Llama-3-Instruct's template writes them: {@code <|begin_of_text|>}, then per message
 * {@code <|start_header_id|>role<|end_header_id|>\n\n} + content with surrounding whitespace trimmed +
 * {@code <|eot_id|>}; generation prompt {@code <|start_header_id|>assistant<|end_header_id|>\n\n}.
 *
 * <p>Tool results use Llama 3.1's {@code ipython} role; tool calls are written as Llama 3.1's JSON
 * {@code {"name": ..., "parameters": ...}}. The 3.1 template's automatic "Cutting Knowledge Date" system preamble is
 * not added (it depends on the current date); put it in a system message if a model needs it.
 */
public final class Llama3Format implements ChatFormat {

    public static final String NAME = "llama3";
    private static final String BEGIN = "<|begin_of_text|>";
    private static final String EOT = "<|eot_id|>";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String render(List<ChatMessage> messages, boolean addGenerationPrompt) {
        MessageText.requireNotEmpty(messages);
        StringBuilder out = new StringBuilder(BEGIN);
        for (ChatMessage message : messages) {
            header(out, role(message));
            if (message instanceof AiMessage ai && ai.hasToolExecutionRequests()) {
                for (ToolExecutionRequest call : ai.toolExecutionRequests()) {
                    out.append("{\"name\": \"").append(call.name()).append("\", \"parameters\": ")
                            .append(ToolArguments.json(call)).append('}');
                }
            } else {
                out.append(MessageText.of(message).strip());
            }
            out.append(EOT);
        }
        if (addGenerationPrompt) {
            header(out, "assistant");
        }
        return out.toString();
    }

    private static void header(StringBuilder out, String role) {
        out.append("<|start_header_id|>").append(role).append("<|end_header_id|>\n\n");
    }

    private static String role(ChatMessage message) {
        if (message instanceof SystemMessage) {
            return "system";
        }
        if (message instanceof UserMessage) {
            return "user";
        }
        if (message instanceof ToolExecutionResultMessage) {
            return "ipython";
        }
        return "assistant";
    }

    @Override
    public boolean prependBos() {
        return false; // <|begin_of_text|> is part of the text
    }

    @Override
    public List<String> stopStrings() {
        return List.of(EOT);
    }

    @Override
    public String toString() {
        return NAME;
    }
}
