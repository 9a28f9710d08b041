package dev.titans4j.t2.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.titans4j.t2.chat.ChatMlFormat;
import dev.titans4j.t2.chat.PlainFormat;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenizerTokenCountEstimatorTest {

    @TempDir
    Path tmp;

    @Test
    void countsArePromptLengths() {
        try (ModelTokenizer tok = ModelTokenizer.load(TokenizerFixtures.stories(), true, 1)) {
            TokenizerTokenCountEstimator estimator = new TokenizerTokenCountEstimator(tok, new PlainFormat(true));
            assertThat(estimator.estimateTokenCountInText("Once upon a time")).isEqualTo(4);
            // plain format, BOS: exactly the reference prompt [1, 403, 407, 261, 378]
            assertThat(estimator.estimateTokenCountInMessages(List.of(UserMessage.from("Once upon a time"))))
                    .isEqualTo(5);
            assertThat(estimator.estimateTokenCountInMessage(UserMessage.from("Once upon a time"))).isEqualTo(5);
            assertThat(estimator.estimateTokenCountInMessages(List.of())).isZero();
        }
    }

    @Test
    void chatFormatMarkupIsCounted() throws IOException {
        try (ModelTokenizer tok = ModelTokenizer.load(TokenizerFixtures.storiesWithChatMl(tmp), false, null)) {
            ChatMlFormat format = new ChatMlFormat();
            TokenizerTokenCountEstimator estimator = new TokenizerTokenCountEstimator(tok, format);
            List<ChatMessage> chat = List.of(UserMessage.from("Hi"), AiMessage.from("Hello"), UserMessage.from("Bye"));
            assertThat(estimator.estimateTokenCountInMessages(chat))
                    .isEqualTo(tok.encodeRaw(format.render(chat, true)).length)
                    .isGreaterThan(estimator.estimateTokenCountInText("HiHelloBye") + 6);
        }
    }
}
