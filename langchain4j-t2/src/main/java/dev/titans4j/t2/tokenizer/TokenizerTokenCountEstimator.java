package dev.titans4j.t2.tokenizer;

import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.model.TokenCountEstimator;
import dev.titans4j.t2.chat.ChatFormat;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Counts tokens with the model's own tokenizer and chat format, so counts are exact rather than estimated.
 * <ul>
 *   <li>{@link #estimateTokenCountInText}: the text's tokens, without BOS.</li>
 *   <li>{@link #estimateTokenCountInMessages}: the whole prompt the model would be given for this conversation:
 *   BOS when the format wants one, the rendered turns and the generation prompt that opens the answer.</li>
 *   <li>{@link #estimateTokenCountInMessage}: the conversation made of this one message, without a generation
 *   prompt; it includes the format's fixed parts (such as {@code <|begin_of_text|>} or a default system prompt),
 *   so per-message counts add up to at least the real prompt (safe for memory windows).</li>
 * </ul>
 * Thread-safe when the tokenizer is.
 */
public final class TokenizerTokenCountEstimator implements TokenCountEstimator {

    private final ModelTokenizer tokenizer;
    private final ChatFormat chatFormat;

    public TokenizerTokenCountEstimator(ModelTokenizer tokenizer, ChatFormat chatFormat) {
        this.tokenizer = Objects.requireNonNull(tokenizer, "tokenizer");
        this.chatFormat = Objects.requireNonNull(chatFormat, "chatFormat");
    }

    @Override
    public int estimateTokenCountInText(String text) {
        return tokenizer.encodeRaw(text).length;
    }

    @Override
    public int estimateTokenCountInMessage(ChatMessage message) {
        return count(List.of(message), false);
    }

    @Override
    public int estimateTokenCountInMessages(Iterable<ChatMessage> messages) {
        List<ChatMessage> list = new ArrayList<>();
        messages.forEach(list::add);
        if (list.isEmpty()) {
            return 0;
        }
        return count(list, true);
    }

    private int count(List<ChatMessage> messages, boolean generationPrompt) {
        int bos = chatFormat.prependBos() ? 1 : 0;
        // the prompt as the engine encodes it: special-token strings in message content count as text
        return bos + tokenizer.encodePrompt(messages, quoted -> chatFormat.render(quoted, generationPrompt))
                .ids().length;
    }
}
