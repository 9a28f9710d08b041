package dev.titans4j.t2.chat;

import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.exception.UnsupportedFeatureException;
import dev.titans4j.t2.tools.ToolCallSyntax;
import java.util.List;

/**
 * How a model family writes a conversation as prompt text, reproducing the Hugging Face chat template of that
 * family ({@code apply_chat_template(messages, tokenize=False)}), special-token markup included. Tokenize it with
 * {@code ModelTokenizer.encodePrompt} (markup strings map to their special ids, the same strings inside message
 * content stay text) and prepend BOS only when {@link #prependBos()} says so.
 *
 * <p>Messages: system, user (text only; images and other media throw
 * {@link dev.langchain4j.exception.UnsupportedFeatureException}), AI (text and tool calls) and tool results.
 */
public interface ChatFormat {

    /**
     * The format's name as used in the manifest: {@code chatml}, {@code llama3}, {@code mistral}, {@code qwen3},
     * {@code smollm3}, {@code gemma3}, {@code phi3}, {@code phi4-mini}, {@code plain}.
     */
    String name();

    /**
     * The prompt text.
     *
     * @param addGenerationPrompt end with the header that opens the assistant's turn, so the model answers
     * @throws IllegalArgumentException if {@code messages} is empty
     * @throws dev.langchain4j.exception.UnsupportedFeatureException for content the format cannot express
     */
    String render(List<ChatMessage> messages, boolean addGenerationPrompt);

    /**
     * The prompt text with {@code tools} offered to the model the way the family's template does (empty or null:
     * as {@link #render(List, boolean)}).
     *
     * @throws UnsupportedFeatureException if the format cannot offer tools
     */
    default String render(List<ChatMessage> messages, List<ToolSpecification> tools, boolean addGenerationPrompt) {
        if (tools == null || tools.isEmpty()) {
            return render(messages, addGenerationPrompt);
        }
        throw new UnsupportedFeatureException("the " + name() + " chat format cannot offer tools");
    }

    /**
     * Whether the family reasons before it answers, writing {@code <think>...</think>} first (Qwen3, SmolLM3, ChatML
     * whose generation prompt opens {@code <think>}, {@code jinja} templates that handle those tags), and may switch
     * that with its template's {@code enable_thinking}. Its answers are split into reasoning and text; when a
     * prompt already ends inside an opened {@code <think>} (DeepSeek-R1-Distill, QwQ), the answer starts in the
     * reasoning.
     */
    default boolean thinks() {
        return false;
    }

    /**
     * As {@link #render(List, List, boolean)} with thinking switched on or off, as the template's
     * {@code enable_thinking} does; hand-written formats that do not {@link #thinks() think} ignore {@code thinking},
     * {@code jinja} passes it to the template (which may ignore it).
     */
    default String render(List<ChatMessage> messages, List<ToolSpecification> tools, boolean addGenerationPrompt,
                          boolean thinking) {
        return render(messages, tools, addGenerationPrompt);
    }

    /** How this family writes tool calls in its answers. */
    default ToolCallSyntax toolCallSyntax() {
        return ToolCallSyntax.hermes();
    }

    /** Whether the caller must put the BOS token before the rendered text (false when the text carries it). */
    boolean prependBos();

    /**
     * Markup that ends the assistant's turn (e.g. {@code <|im_end|>}). These are usually single special tokens,
     * which decoded text leaves out: stop on their ids ({@link ChatFormats#stopTokenIds}), not on text.
     */
    List<String> stopStrings();

    /** The format called {@code name} (see {@link ChatFormats#of(String)}). */
    static ChatFormat of(String name) {
        return ChatFormats.of(name);
    }
}
