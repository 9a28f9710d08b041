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
 * reasoning. Earlier answers follow the template's history rules: QwQ's writes every answer, tool calls included,
 * as its text after the last {@code </think>}; Qwen3-Thinking-2507's is Qwen3's with that generation prompt (see
 * {@link #keepsToolLoopReasoning(String)}) and keeps the reasoning of answers inside the current tool loop, so
 * with {@code keepsToolLoopReasoning} the conversation is written by {@link Qwen3Format}'s rules.
 */
public final class ChatMlFormat implements ChatFormat {

    public static final String NAME = "chatml";
    public static final String QWEN_DEFAULT_SYSTEM_PROMPT =
            "You are Qwen, created by Alibaba Cloud. You are a helpful assistant.";
    public static final String SMOLLM2_DEFAULT_SYSTEM_PROMPT =
            "You are a helpful AI assistant named SmolLM, trained by Hugging Face";

    /** The generation prompt of ChatML templates that always reason, as the template's source writes it. */
    private static final String THINKING_GENERATION_PROMPT = "'<|im_start|>assistant\\n<think>\\n'";

    private final String defaultSystemPrompt;
    private final boolean opensThinking;
    /** Qwen3's history rules, for a Qwen3 template whose generation prompt opens {@code <think>}; else null. */
    private final Qwen3Format qwen3History;

    /** ChatML without a default system prompt. */
    public ChatMlFormat() {
        this(null);
    }

    public ChatMlFormat(String defaultSystemPrompt) {
        this(defaultSystemPrompt, false);
    }

    /** @param opensThinking the generation prompt opens {@code <think>} (see the class comment) */
    public ChatMlFormat(String defaultSystemPrompt, boolean opensThinking) {
        this(defaultSystemPrompt, opensThinking, false);
    }

    /**
     * @param opensThinking the generation prompt opens {@code <think>} (see the class comment)
     * @param keepsToolLoopReasoning earlier answers follow Qwen3's template (Qwen3-Thinking-2507); needs
     *        {@code opensThinking} and no default system prompt, as Qwen3's template has none
     */
    public ChatMlFormat(String defaultSystemPrompt, boolean opensThinking, boolean keepsToolLoopReasoning) {
        if (keepsToolLoopReasoning && (!opensThinking || defaultSystemPrompt != null)) {
            throw new IllegalArgumentException("Qwen3's history rules need a generation prompt that opens <think>"
                    + " and no default system prompt");
        }
        this.defaultSystemPrompt = defaultSystemPrompt;
        this.opensThinking = opensThinking;
        this.qwen3History = keepsToolLoopReasoning ? new Qwen3Format() : null;
    }

    /** Whether a ChatML template's generation prompt opens {@code <think>} (QwQ-32B, Qwen3-Thinking-2507). */
    public static boolean opensThinking(String chatTemplate) {
        return chatTemplate != null && chatTemplate.contains(THINKING_GENERATION_PROMPT);
    }

    /**
     * Whether a ChatML template writes earlier answers as Qwen3's does: it finds the last user query
     * ({@code last_query_index}) and keeps the reasoning ({@code reasoning_content}) of the answers after it
     * (Qwen3-Thinking-2507; QwQ's template has neither and cuts every answer's reasoning).
     */
    public static boolean keepsToolLoopReasoning(String chatTemplate) {
        return chatTemplate != null && chatTemplate.contains("last_query_index")
                && chatTemplate.contains("reasoning_content");
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
        if (qwen3History != null) {
            return qwen3History.render(messages, tools, addGenerationPrompt, true)
                    + (addGenerationPrompt ? "<think>\n" : "");
        }
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
                    out.append('\n').append(opensThinking ? ThinkTags.afterReasoning(ai.text()) : ai.text());
                }
                for (ToolExecutionRequest call : ai.toolExecutionRequests()) {
                    out.append('\n').append(ToolPrompts.hermesCall(call));
                }
                out.append(ChatMl.END).append('\n');
            } else if (message instanceof AiMessage && opensThinking) {
                ChatMl.turn(out, "assistant", ThinkTags.afterReasoning(MessageText.of(message)));
            } else {
                ChatMl.turn(out, ChatMl.role(message), MessageText.of(message));
            }
        }
        if (addGenerationPrompt) {
            out.append(ChatMl.START).append("assistant\n").append(opensThinking ? "<think>\n" : "");
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
        return NAME + (defaultSystemPrompt == null ? "" : " (default system prompt: " + defaultSystemPrompt + ")")
                + (opensThinking ? " (opens <think>)" : "")
                + (qwen3History != null ? " (Qwen3's history rules)" : "");
    }
}
