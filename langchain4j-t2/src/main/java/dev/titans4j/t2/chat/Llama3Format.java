package dev.titans4j.t2.chat;

import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.titans4j.t2.constrain.JsonText;
import dev.titans4j.t2.tools.ToolCallSyntax;
import dev.titans4j.t2.tools.ToolPrompts;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Llama 3 headers: {@code <|begin_of_text|>}, then per message
 * {@code <|start_header_id|>role<|end_header_id|>\n\n} + content with surrounding whitespace trimmed +
 * {@code <|eot_id|>}; generation prompt {@code <|start_header_id|>assistant<|end_header_id|>\n\n}.
 *
 * <p>Two variants, as the models' templates differ:
 * <ul>
 *   <li>Llama 3 (no date): Meta-Llama-3-Instruct's template, which writes every message the same way. Tool
 *   results use the {@code ipython} role with their (trimmed) text; tool calls are written as
 *   {@code {"name": ..., "parameters": ...}}.</li>
 *   <li>Llama 3.1/3.2 ({@link #withDate}): the template always opens with a system turn
 *   {@code Cutting Knowledge Date: December 2023\nToday Date: DATE\n\n} + the (trimmed) first system message;
 *   tool results are written as a JSON string, as that template's {@code tojson} does with text content. Its
 *   template refuses an AI message with several tool calls; they are written separated by {@code "; "}, as the
 *   models write them and the answers are parsed.</li>
 * </ul>
 *
 * <p>Offered tools follow the 3.1/3.2 template's default ({@code tools_in_user_message}): the system turn gains
 * {@code Environment: ipython}, and the first message after the system prompt becomes a user turn opening with
 * the JSON-call instructions and the tool signatures (indented JSON). Plain Llama 3 gets the same user-turn
 * preamble (its template has no tools). Answers call tools as {@code {"name": ..., "parameters": ...}}.
 */
public final class Llama3Format implements ChatFormat {

    public static final String NAME = "llama3";
    /** Llama 3.1's default when no date is given. */
    public static final String LLAMA31_DEFAULT_DATE = "26 Jul 2024";

    private static final String BEGIN = "<|begin_of_text|>";
    private static final String EOT = "<|eot_id|>";
    private static final DateTimeFormatter STRFTIME_D_B_Y = DateTimeFormatter.ofPattern("dd MMM yyyy", Locale.US);

    /** null: plain Llama 3; "": Llama 3.2 with today's date; otherwise the fixed date. */
    private final String date;

    /** Llama 3 (3.0) without the dated system preamble. */
    public Llama3Format() {
        this(null);
    }

    private Llama3Format(String date) {
        this.date = date;
    }

    /** Llama 3.1/3.2 with a fixed "Today Date" (as {@code date_string}, e.g. {@code 26 Jul 2024}). */
    public static Llama3Format withDate(String date) {
        if (date == null || date.isBlank()) {
            throw new IllegalArgumentException("date must be text such as '26 Jul 2024'");
        }
        return new Llama3Format(date);
    }

    /** Llama 3.2 as its template runs: "Today Date" is the day of rendering ({@code strftime_now("%d %b %Y")}). */
    public static Llama3Format withTodaysDate() {
        return new Llama3Format("");
    }

    /** The fixed date of the 3.1/3.2 preamble; empty for plain Llama 3 and for today's date. */
    public Optional<String> date() {
        return date == null || date.isEmpty() ? Optional.empty() : Optional.of(date);
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
        boolean withTools = tools != null && !tools.isEmpty();
        StringBuilder out = new StringBuilder(BEGIN);
        int first = 0;
        if (date != null) {
            String system = "";
            if (messages.get(0) instanceof SystemMessage s) {
                system = Strip.whitespace(s.text());
                first = 1;
            }
            header(out, "system");
            if (withTools) {
                out.append("Environment: ipython\n");
            }
            out.append("Cutting Knowledge Date: December 2023\nToday Date: ")
                    .append(date.isEmpty() ? LocalDate.now().format(STRFTIME_D_B_Y) : date).append("\n\n")
                    .append(system).append(EOT);
        }
        if (withTools) {
            if (date == null && messages.get(0) instanceof SystemMessage s) {
                header(out, "system");
                out.append(Strip.whitespace(s.text())).append(EOT);
                first = 1;
            }
            if (first >= messages.size()) {
                throw new IllegalArgumentException("the Llama 3 format puts tools into the first user message, but "
                        + "the conversation has none");
            }
            header(out, "user");
            out.append(ToolPrompts.llama3UserPreamble(tools)).append(Strip.whitespace(MessageText.of(messages.get(first))))
                    .append(EOT);
            first++;
        }
        for (ChatMessage message : messages.subList(first, messages.size())) {
            header(out, role(message));
            if (message instanceof AiMessage ai && ai.hasToolExecutionRequests()) {
                out.append(ToolPrompts.llama3Calls(ai.toolExecutionRequests()));
            } else if (message instanceof ToolExecutionResultMessage && date != null) {
                out.append(JsonText.quote(MessageText.of(message))); // the template's tojson
            } else {
                out.append(Strip.whitespace(MessageText.of(message)));
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
    public ToolCallSyntax toolCallSyntax() {
        return ToolCallSyntax.llama3();
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
        return NAME + (date == null ? "" : date.isEmpty() ? " (dated: today)" : " (dated: " + date + ")");
    }
}
