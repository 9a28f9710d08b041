package dev.titans4j.t2.chat;

import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import java.util.List;

/** ChatML markup shared by the families that write it (Qwen2.5/Qwen3, SmolLM2/SmolLM3). */
final class ChatMl {

    static final String START = "<|im_start|>";
    static final String END = "<|im_end|>";

    private ChatMl() {
    }

    static void turn(StringBuilder out, String role, String content) {
        out.append(START).append(role).append('\n').append(content).append(END).append('\n');
    }

    static String role(ChatMessage message) {
        if (message instanceof SystemMessage) {
            return "system";
        }
        if (message instanceof UserMessage) {
            return "user";
        }
        return "assistant";
    }

    /**
     * The tool result at {@code i} as Qwen's templates write it: consecutive results share one user turn of
     * {@code <tool_response>\n...\n</tool_response>} blocks.
     */
    static void toolResponse(StringBuilder out, List<ChatMessage> messages, int i) {
        boolean first = i == 0 || !(messages.get(i - 1) instanceof ToolExecutionResultMessage);
        boolean last = i == messages.size() - 1 || !(messages.get(i + 1) instanceof ToolExecutionResultMessage);
        if (first) {
            out.append(START).append("user");
        }
        out.append("\n<tool_response>\n").append(MessageText.of(messages.get(i))).append("\n</tool_response>");
        if (last) {
            out.append(END).append('\n');
        }
    }
}
