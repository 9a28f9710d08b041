package dev.titans4j.t2;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.service.AiServices;
import dev.langchain4j.service.TokenStream;
import dev.titans4j.t2.engine.EngineOptions;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The models as drop-ins for LangChain4j's AI services, blocking and streaming, on stories260K. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AiServicesTest {

    interface Storyteller {
        String continueStory(String beginning);
    }

    interface StreamingStoryteller {
        TokenStream continueStory(String beginning);
    }

    private OnnxChatEngine engine;

    @BeforeAll
    void load() {
        engine = OnnxChatEngine.load(TestModels.stories260K(), EngineOptions.defaults().withIntraOpThreads(1));
    }

    @AfterAll
    void close() {
        if (engine != null) { // null when @BeforeAll skipped for missing shared data
            engine.close();
        }
    }

    @Test
    void blocking_and_streaming_ai_services_tell_the_same_greedy_story() throws Exception {
        OnnxChatModel chat = OnnxChatModel.builder().engine(engine).maxOutputTokens(30).build();
        String expected = chat.chat("Once upon a time");

        String blocking = AiServices.create(Storyteller.class, chat).continueStory("Once upon a time");
        assertThat(blocking).isEqualTo(expected).startsWith(", there was a little girl");

        StringBuilder streamed = new StringBuilder();
        CompletableFuture<ChatResponse> done = new CompletableFuture<>();
        AiServices.create(StreamingStoryteller.class,
                        OnnxStreamingChatModel.builder().engine(engine).maxOutputTokens(30).build())
                .continueStory("Once upon a time")
                .onPartialResponse(streamed::append)
                .onCompleteResponse(done::complete)
                .onError(done::completeExceptionally)
                .start();
        ChatResponse response = done.get(30, SECONDS);
        assertThat(response.aiMessage().text()).isEqualTo(expected);
        assertThat(streamed.toString()).isEqualTo(expected);
        assertThat(response.tokenUsage().outputTokenCount()).isEqualTo(30);
    }
}
