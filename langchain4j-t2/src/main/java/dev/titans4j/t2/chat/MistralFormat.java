package dev.titans4j.t2.chat;

import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.titans4j.t2.tools.ToolCallSyntax;
import dev.titans4j.t2.tools.ToolPrompts;
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
 *
 * <p>With tools offered, the conversation is written as Mistral-7B-Instruct v0.3's template does (only v0.3+
 * models know tools): {@code <s>}, {@code [INST] text[/INST]} per user message, the last one preceded by
 * {@code [AVAILABLE_TOOLS] [...][/AVAILABLE_TOOLS]} and carrying the system prompt ({@code system\n\nuser});
 * answers {@code  text</s>}; calls {@code [TOOL_CALLS] [{"name", "arguments", "id"}, ...]</s>}; results
 * {@code [TOOL_RESULTS] {"content": ..., "call_id": ...}[/TOOL_RESULTS]}. Where the template would drop the
 * system prompt (the conversation does not end with a user message) or reject a later system message, this format
 * keeps them (system text on the last user message; later system messages as {@code [INST]} blocks).
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
    public String render(List<ChatMessage> messages, List<ToolSpecification> tools, boolean addGenerationPrompt) {
        if (tools == null || tools.isEmpty()) {
            return render(messages, addGenerationPrompt);
        }
        MessageText.requireNotEmpty(messages);
        String system = messages.get(0) instanceof SystemMessage s ? s.text() : null;
        List<ChatMessage> loop = system == null ? messages : messages.subList(1, messages.size());
        int lastUser = -1;
        for (int i = 0; i < loop.size(); i++) {
            if (loop.get(i) instanceof UserMessage) {
                lastUser = i;
            }
        }
        if (lastUser < 0) {
            throw new IllegalArgumentException("the Mistral format offers tools with the last user message, but the "
                    + "conversation has none");
        }
        StringBuilder out = new StringBuilder(BOS);
        for (int i = 0; i < loop.size(); i++) {
            ChatMessage message = loop.get(i);
            if (message instanceof AiMessage ai && ai.hasToolExecutionRequests()) {
                out.append(ToolPrompts.mistralCalls(ai.toolExecutionRequests())).append(EOS);
            } else if (message instanceof AiMessage ai) {
                out.append(' ').append(Strip.whitespace(MessageText.of(ai))).append(EOS);
            } else if (message instanceof ToolExecutionResultMessage result) {
                out.append(ToolPrompts.mistralResult(MessageText.of(result), result.id()));
            } else {
                String text = MessageText.of(message);
                if (i == lastUser) {
                    out.append(ToolPrompts.mistralAvailableTools(tools));
                    if (system != null) {
                        text = system + "\n\n" + text;
                    }
                }
                out.append("[INST] ").append(text).append("[/INST]");
            }
        }
        return out.toString();
    }

    @Override
    public ToolCallSyntax toolCallSyntax() {
        return ToolCallSyntax.mistral();
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
