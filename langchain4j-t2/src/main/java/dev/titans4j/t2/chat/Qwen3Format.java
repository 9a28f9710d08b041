package dev.titans4j.t2.chat;

import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.titans4j.t2.tools.ToolPrompts;
import java.util.List;

/**
 * Qwen3's template: ChatML with Qwen2.5's tools and tool results (no default system prompt), plus reasoning.
 *
 * <p>Reasoning, as the template writes it: the model opens its answer with {@code <think>\n...\n</think>\n\n}.
 * With thinking off ({@code enable_thinking=false}) the generation prompt already holds an empty
 * {@code <think>\n\n</think>\n\n}, so the model answers at once. Earlier answers keep their reasoning (an
 * {@link AiMessage#thinking()}, or {@code <think>} markup left in the text) only after the last user query, i.e.
 * inside the current tool-calling loop; reasoning of earlier turns is dropped.
 */
public final class Qwen3Format extends ThinkingChatMlFormat {

    public static final String NAME = "qwen3";


    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String render(List<ChatMessage> messages, List<ToolSpecification> tools, boolean addGenerationPrompt,
                         boolean thinking) {
        MessageText.requireNotEmpty(messages);
        StringBuilder out = new StringBuilder();
        boolean leadingSystem = messages.get(0) instanceof SystemMessage;
        if (tools != null && !tools.isEmpty()) {
            String section = ToolPrompts.hermesToolsSection(tools); // starts with "\n\n", after the system text
            out.append(ChatMl.START).append("system\n")
                    .append(leadingSystem ? MessageText.of(messages.get(0)) + section : section.substring(2))
                    .append(ChatMl.END).append('\n');
        } else if (leadingSystem) {
            ChatMl.turn(out, "system", MessageText.of(messages.get(0)));
        }
        int lastQuery = lastQueryIndex(messages);
        for (int i = 0; i < messages.size(); i++) {
            ChatMessage message = messages.get(i);
            if (message instanceof UserMessage || message instanceof SystemMessage && i > 0) {
                ChatMl.turn(out, ChatMl.role(message), MessageText.of(message));
            } else if (message instanceof AiMessage ai) {
                assistant(out, ai, i > lastQuery, i == messages.size() - 1);
            } else if (message instanceof ToolExecutionResultMessage) {
                ChatMl.toolResponse(out, messages, i);
            }
        }
        if (addGenerationPrompt) {
            out.append(ChatMl.START).append("assistant\n");
            if (!thinking) {
                out.append("<think>\n\n</think>\n\n");
            }
        }
        return out.toString();
    }

    /** The last user message that is a real query, not tool responses written as a user turn. */
    private static int lastQueryIndex(List<ChatMessage> messages) {
        for (int i = messages.size() - 1; i >= 0; i--) {
            if (messages.get(i) instanceof UserMessage user) {
                String text = MessageText.of(user);
                if (!(text.startsWith("<tool_response>") && text.endsWith("</tool_response>"))) {
                    return i;
                }
            }
        }
        return messages.size() - 1;
    }

    private static void assistant(StringBuilder out, AiMessage ai, boolean afterLastQuery, boolean last) {
        String content = ai.text() == null ? "" : ai.text();
        String reasoning = "";
        if (ai.thinking() != null) {
            reasoning = ai.thinking();
        } else if (content.contains(ThinkTags.CLOSE)) {
            // reasoning left in the text: split it off as the template does
            String before = Strip.trailingNewlines(content.substring(0, content.indexOf(ThinkTags.CLOSE)));
            content = ThinkTags.afterReasoning(content);
            int open = before.lastIndexOf(ThinkTags.OPEN);
            reasoning = Strip.leadingNewlines(open < 0 ? before : before.substring(open + ThinkTags.OPEN.length()));
        }
        out.append(ChatMl.START).append("assistant\n");
        if (afterLastQuery && (last || !reasoning.isEmpty())) {
            out.append("<think>\n").append(Strip.newlines(reasoning)).append("\n</think>\n\n")
                    .append(Strip.leadingNewlines(content));
        } else {
            out.append(content);
        }
        for (int c = 0; c < ai.toolExecutionRequests().size(); c++) {
            if (c > 0 || !content.isEmpty()) {
                out.append('\n');
            }
            out.append(ToolPrompts.hermesCall(ai.toolExecutionRequests().get(c)));
        }
        out.append(ChatMl.END).append('\n');
    }

    @Override
    public String toString() {
        return NAME;
    }
}
