package dev.titans4j.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.service.AiServices;
import dev.langchain4j.service.MemoryId;
import dev.langchain4j.service.TokenStream;
import dev.titans4j.it.testing.Stories260K;
import dev.titans4j.t2.OnnxChatEngine;
import dev.titans4j.t2.OnnxChatModel;
import dev.titans4j.t2.OnnxStreamingChatModel;
import dev.titans4j.t2.engine.EngineOptions;
import dev.titans4j.titans.chat.TitansChatMemory;
import dev.titans4j.titans.chat.TitansChatMemoryProvider;
import dev.titans4j.titans.chat.TitansContentRetriever;
import dev.titans4j.titans.store.InMemoryMemoryStateStore;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Streaming through AiServices ({@link TokenStream}) with OnnxStreamingChatModel and TitansChatMemory: the pieces
 * add up to the stored AiMessage and to what the blocking model answers for the same prompt.
 */
class StreamingWithMemoryTest {

    interface StreamingBot {
        TokenStream chat(@MemoryId String user, @dev.langchain4j.service.UserMessage String message);
    }

    private static OnnxChatEngine engine;

    @BeforeAll
    static void load(@TempDir Path dir) {
        engine = OnnxChatEngine.load(Stories260K.export(dir), EngineOptions.defaults().withIntraOpThreads(1));
    }

    @AfterAll
    static void close() {
        if (engine != null) {
            engine.close();
        }
    }

    /** A streamed answer: the pieces as they came, and the complete response. */
    record Streamed(List<String> pieces, ChatResponse response) {
        String joined() {
            return String.join("", pieces);
        }
    }

    private static Streamed stream(StreamingBot bot, String user, String message) throws Exception {
        List<String> pieces = new ArrayList<>();
        CompletableFuture<ChatResponse> done = new CompletableFuture<>();
        bot.chat(user, message)
                .onPartialResponse(pieces::add)
                .onCompleteResponse(done::complete)
                .onError(done::completeExceptionally)
                .start();
        return new Streamed(pieces, done.get(60, TimeUnit.SECONDS));
    }

    @Test
    void streamedTextIsTheStoredAnswerTurnAfterTurn() throws Exception {
        TitansChatMemoryProvider memories = TitansChatMemoryProvider.of(id -> TitansChatMemory.builder().id(id)
                .maxMessages(4).recallBudgetTokens(40).recallInMessages(false)
                .store(new InMemoryMemoryStateStore()));
        StreamingBot bot = AiServices.builder(StreamingBot.class)
                .streamingChatModel(OnnxStreamingChatModel.builder().engine(engine).temperature(0.0)
                        .maxOutputTokens(16).build())
                .chatMemoryProvider(memories)
                .contentRetriever(TitansContentRetriever.from(memories))
                .storeRetrievedContentInChatMemory(false)
                .build();
        OnnxChatModel blocking = OnnxChatModel.builder().engine(engine).temperature(0.0).maxOutputTokens(16).build();

        List<String> said = List.of("Once upon a time", "Lily found a red ball in the park.",
                "Tom wanted to play too.", "They shared the ball and laughed.");
        for (String message : said) {
            // while the window has room for the whole exchange, the prompt was exactly the stored window
            boolean promptIsWindow = memories.get("kid").messages().size() <= 2;
            Streamed streamed = stream(bot, "kid", message);
            TitansChatMemory memory = memories.get("kid");
            List<ChatMessage> window = memory.messages();
            AiMessage stored = (AiMessage) window.get(window.size() - 1);
            assertThat(streamed.pieces()).as("streamed in several pieces").hasSizeGreaterThan(1);
            assertThat(streamed.joined()).isNotBlank()
                    .isEqualTo(streamed.response().aiMessage().text())
                    .isEqualTo(stored.text());
            assertThat(((UserMessage) window.get(window.size() - 2)).singleText()).isEqualTo(message);
            if (promptIsWindow) {
                // greedy blocking decoding of the same prompt answers the same text
                assertThat(blocking.chat(window.subList(0, window.size() - 1)).aiMessage().text())
                        .isEqualTo(stored.text());
            }
        }
        assertThat(memories.get("kid").archivedSegments()).as("older turns moved to long-term memory").isPositive();
    }
}
