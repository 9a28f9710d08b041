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
 *
 * <p>Reasoning without a switch (QwQ-32B, Qwen3-Thinking-2507: ChatML whose generation prompt is
 * {@code <|im_start|>assistant\n<think>\n}, see {@link #opensThinking(String)}): with {@code opensThinking} the
 * generation prompt opens {@code <think>} and the format {@linkplain #thinks() thinks}, so answers start in the
 * reasoning; earlier answers are written as their text after the last {@code </think>}, as those templates do.
 */
public final class ChatMlFormat implements ChatFormat {

    public static final String NAME = "chatml";
    public static final String QWEN_DEFAULT_SYSTEM_PROMPT =
            "You are Qwen, created by Alibaba Cloud. You are a helpful assistant.";
    public static final String SMOLLM2_DEFAULT_SYSTEM_PROMPT =
            "You are a helpful AI assistant named SmolLM, trained by Hugging Face";

    /** The generation prompt of ChatML templates that always reason, as the template's source writes it. */
    private static final String THINKING_GENERATION_PROMPT = "'<|im_start|>assistant\\n<think>\\n'";
    private static final String THINK_CLOSE = "</think>";

    private final String defaultSystemPrompt;
    private final boolean opensThinking;

    /** ChatML without a default system prompt. */
    public ChatMlFormat() {
        this(null);
    }

    public ChatMlFormat(String defaultSystemPrompt) {
        this(defaultSystemPrompt, false);
    }

    /** @param opensThinking the generation prompt opens {@code <think>} (see the class comment) */
    public ChatMlFormat(String defaultSystemPrompt, boolean opensThinking) {
        this.defaultSystemPrompt = defaultSystemPrompt;
        this.opensThinking = opensThinking;
    }

    /** Whether a ChatML template's generation prompt opens {@code <think>} (QwQ-32B, Qwen3-Thinking-2507). */
    public static boolean opensThinking(String chatTemplate) {
        return chatTemplate != null && chatTemplate.contains(THINKING_GENERATION_PROMPT);
    }

    @Override
    public boolean thinks() {
        return opensThinking;
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
            } else if (message instanceof AiMessage && opensThinking && i < messages.size() - 1) {
                ChatMl.turn(out, "assistant", afterReasoning(MessageText.of(message)));
            } else {
                ChatMl.turn(out, ChatMl.role(message), MessageText.of(message));
            }
        }
        if (addGenerationPrompt) {
            out.append(ChatMl.START).append("assistant\n").append(opensThinking ? "<think>\n" : "");
        }
        return out.toString();
    }

    /** The templates' {@code content.split('</think>')[-1].lstrip('\n')}. */
    private static String afterReasoning(String text) {
        int close = text.lastIndexOf(THINK_CLOSE);
        return Strip.leadingNewlines(close < 0 ? text : text.substring(close + THINK_CLOSE.length()));
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
        return NAME + (defaultSystemPrompt == null ? "" : " (default system prompt: " + defaultSystemPrompt + ")")
                + (opensThinking ? " (opens <think>)" : "");
    }
}
