package dev.titans4j.t2.chat;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.titans4j.t2.tools.ToolPrompts;
import java.util.List;
import java.util.Optional;

/**
 * ChatML, as the Qwen2/Qwen2.5 and SmolLM2-Instruct templates write it:
 * {@code <|im_start|>role\ncontent<|im_end|>\n} per message, {@code <|im_start|>assistant\n} as generation prompt.
 *
 * <p>Default system prompt: both templates insert a fixed system turn when the conversation does not start with
 * a system message (Qwen2.5: "You are Qwen, created by Alibaba Cloud. You are a helpful assistant."; SmolLM2:
 * "You are a helpful AI assistant named SmolLM, trained by Hugging Face"). To reproduce the model's own template
 * exactly, this format takes that text as {@code defaultSystemPrompt} (read from the template by
 * {@link ChatFormats}); null means no system turn unless the conversation has one.
 *
 * <p>Tool calls and results follow Qwen2.5's template: an AI message's tool calls become
 * {@code <tool_call>\n{"name": ..., "arguments": ...}\n</tool_call>} lines, and consecutive tool results share one
 * user turn of {@code <tool_response>\n...\n</tool_response>} blocks. Offered tools go into the system turn as
 * Qwen2.5's {@code # Tools} section with one JSON signature per line inside {@code <tools></tools>}, after the
 * conversation's system text or else the default system prompt (empty without one).
 */
public final class ChatMlFormat implements ChatFormat {

    public static final String NAME = "chatml";
    public static final String QWEN_DEFAULT_SYSTEM_PROMPT =
            "You are Qwen, created by Alibaba Cloud. You are a helpful assistant.";
    public static final String SMOLLM2_DEFAULT_SYSTEM_PROMPT =
            "You are a helpful AI assistant named SmolLM, trained by Hugging Face";

    private final String defaultSystemPrompt;

    /** ChatML without a default system prompt. */
    public ChatMlFormat() {
        this(null);
    }

    public ChatMlFormat(String defaultSystemPrompt) {
        this.defaultSystemPrompt = defaultSystemPrompt;
    }

    public Optional<String> defaultSystemPrompt() {
        return Optional.ofNullable(defaultSystemPrompt);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String render(List<ChatMessage> messages, boolean addGenerationPrompt) {
        return render(messages, List.of(), addGenerationPrompt);
    }

    @Override
    public String render(List<ChatMessage> messages, List<ToolSpecification> tools, boolean addGenerationPrompt) {
        MessageText.requireNotEmpty(messages);
        StringBuilder out = new StringBuilder();
        boolean leadingSystem = messages.get(0) instanceof SystemMessage;
        int start = 0;
        if (tools != null && !tools.isEmpty()) {
            String system = leadingSystem ? MessageText.of(messages.get(0))
                    : defaultSystemPrompt == null ? "" : defaultSystemPrompt;
            ChatMl.turn(out, "system", system + ToolPrompts.hermesToolsSection(tools));
            start = leadingSystem ? 1 : 0;
        } else if (!leadingSystem && defaultSystemPrompt != null) {
            ChatMl.turn(out, "system", defaultSystemPrompt);
        }
        for (int i = start; i < messages.size(); i++) {
            ChatMessage message = messages.get(i);
            if (message instanceof ToolExecutionResultMessage) {
                ChatMl.toolResponse(out, messages, i);
            } else if (message instanceof AiMessage ai && ai.hasToolExecutionRequests()) {
                out.append(ChatMl.START).append("assistant");
                if (ai.text() != null && !ai.text().isEmpty()) {
                    out.append('\n').append(ai.text());
                }
                for (ToolExecutionRequest call : ai.toolExecutionRequests()) {
                    out.append('\n').append(ToolPrompts.hermesCall(call));
                }
                out.append(ChatMl.END).append('\n');
            } else {
                ChatMl.turn(out, ChatMl.role(message), MessageText.of(message));
            }
        }
        if (addGenerationPrompt) {
            out.append(ChatMl.START).append("assistant\n");
        }
        return out.toString();
    }

    @Override
    public boolean prependBos() {
        return false;
    }

    @Override
    public List<String> stopStrings() {
        return List.of(ChatMl.END);
    }

    @Override
    public String toString() {
        return NAME + (defaultSystemPrompt == null ? "" : " (default system prompt: " + defaultSystemPrompt + ")");
    }
}
