package dev.titans4j.t2.chat;

import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.titans4j.t2.tools.ToolPrompts;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * SmolLM3's template: ChatML whose system turn is always a metadata block (knowledge cutoff, today's date,
 * {@code Reasoning Mode: /think} or {@code /no_think}) followed by "Custom Instructions": the conversation's system
 * text, or SmolLM's default instructions for the mode.
 *
 * <p>Thinking: on by default; {@code enable_thinking=false} switches to {@code /no_think}, and a system message
 * containing {@code /no_think} or {@code /think} overrides both (the flag is removed from the instructions). In
 * {@code /no_think} mode every assistant turn, the generation prompt included, starts with an empty
 * {@code <think>\n\n</think>\n}. A system message containing {@code /system_override} replaces the whole block.
 *
 * <p>As the template does: earlier answers are written as their text only (their reasoning and tool calls are
 * left out), tool results as user turns, later system messages not at all; the no-tools system turn has no
 * {@code <|im_end|>}. Tools go into the block as the template's {@code xml_tools}, one JSON line each; answers call
 * them with {@code <tool_call>} JSON, as Qwen does.
 */
public final class SmolLm3Format extends ThinkingChatMlFormat {

    public static final String NAME = "smollm3";

    private static final DateTimeFormatter STRFTIME_D_B_Y = DateTimeFormatter.ofPattern("dd MMMM yyyy", Locale.US);
    private static final String THINKING_INSTRUCTIONS = "You are a helpful AI assistant named SmolLM, trained by"
            + " Hugging Face. Your role as an assistant involves thoroughly exploring questions through a systematic"
            + " thinking process before providing the final precise and accurate solutions. This requires engaging in"
            + " a comprehensive cycle of analysis, summarizing, exploration, reassessment, reflection, backtracking,"
            + " and iteration to develop well-considered thinking process. Please structure your response into two"
            + " main sections: Thought and Solution using the specified format: <think> Thought section </think>"
            + " Solution section. In the Thought section, detail your reasoning process in steps. Each step should"
            + " include detailed considerations such as analysing questions, summarizing relevant findings,"
            + " brainstorming new ideas, verifying the accuracy of the current steps, refining any errors, and"
            + " revisiting previous steps. In the Solution section, based on various attempts, explorations, and"
            + " reflections from the Thought section, systematically present the final solution that you deem"
            + " correct. The Solution section should be logical, accurate, and concise and detail necessary steps"
            + " needed to reach the conclusion.";
    private static final String PLAIN_INSTRUCTIONS = "You are a helpful AI assistant named SmolLM, trained by"
            + " Hugging Face.";
    private static final String EMPTY_THINK = "<think>\n\n</think>\n";

    private final Supplier<String> today;
    private final String description;

    private SmolLm3Format(Supplier<String> today, String description) {
        this.today = today;
        this.description = description;
    }

    /** Dated today at each render, as the template's {@code strftime_now("%d %B %Y")}. */
    public static SmolLm3Format withTodaysDate() {
        return new SmolLm3Format(() -> LocalDate.now().format(STRFTIME_D_B_Y), "today");
    }

    /** With a fixed "Today Date" such as {@code 26 July 2024}. */
    public static SmolLm3Format withDate(String date) {
        if (date == null || date.isBlank()) {
            throw new IllegalArgumentException("date must be text such as '26 July 2024'");
        }
        return new SmolLm3Format(() -> date, date);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String render(List<ChatMessage> messages, List<ToolSpecification> tools, boolean addGenerationPrompt,
                         boolean thinking) {
        MessageText.requireNotEmpty(messages);
        boolean think = thinking;
        String system = messages.get(0) instanceof SystemMessage s ? s.text() : null;
        String instructions = "";
        if (system != null) {
            if (system.contains("/no_think")) {
                think = false;
            } else if (system.contains("/think")) {
                think = true;
            }
            instructions = Strip.trailingWhitespace(system.replace("/no_think", "").replace("/think", ""));
        }
        StringBuilder out = new StringBuilder(ChatMl.START).append("system\n");
        if (system != null && system.contains("/system_override")) {
            out.append(Strip.trailingWhitespace(instructions.replace("/system_override", ""))).append(ChatMl.END).append('\n');
        } else {
            out.append("## Metadata\n\nKnowledge Cutoff Date: June 2025\nToday Date: ").append(today.get())
                    .append("\nReasoning Mode: ").append(think ? "/think" : "/no_think").append("\n\n")
                    .append("## Custom Instructions\n\n")
                    .append(!instructions.isEmpty() ? instructions : think ? THINKING_INSTRUCTIONS : PLAIN_INSTRUCTIONS)
                    .append("\n\n");
            if (tools != null && !tools.isEmpty()) {
                out.append(ToolPrompts.smolLm3ToolsSection(tools)).append("\n\n").append(ChatMl.END).append('\n');
            }
        }
        for (ChatMessage message : messages) {
            if (message instanceof UserMessage || message instanceof ToolExecutionResultMessage) {
                ChatMl.turn(out, "user", MessageText.of(message));
            } else if (message instanceof AiMessage ai) {
                String text = ai.text() == null ? "" : ai.text();
                ChatMl.turn(out, "assistant", (think ? "" : EMPTY_THINK) + Strip.leadingNewlines(text));
            }
        }
        if (addGenerationPrompt) {
            out.append(ChatMl.START).append("assistant\n").append(think ? "" : EMPTY_THINK);
        }
        return out.toString();
    }

    @Override
    public String toString() {
        return NAME + " (dated: " + description + ")";
    }
}
