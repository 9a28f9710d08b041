package dev.titans4j.t2;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.service.AiServices;
import dev.langchain4j.service.TokenStream;
import dev.langchain4j.service.UserMessage;
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

    interface TunedStoryteller {
        String continueStory(@UserMessage String beginning, ChatRequestParameters parameters);
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

    @Test
    void provider_parameters_passed_to_an_ai_service_method_reach_the_model() {
        OnnxChatModel chat = OnnxChatModel.builder().engine(engine).temperature(1.0).maxOutputTokens(30).build();
        OnnxChatRequestParameters seeded = OnnxChatRequestParameters.builder().seed(7L).build();
        String direct = chat.chat(ChatRequest.builder().messages(
                dev.langchain4j.data.message.UserMessage.from("Once upon a time")).parameters(seeded).build())
                .aiMessage().text();

        TunedStoryteller service = AiServices.create(TunedStoryteller.class, chat);
        // sampled at temperature 1: only the seed makes two calls agree with each other and with the model
        assertThat(service.continueStory("Once upon a time", seeded)).isEqualTo(direct);
        assertThat(service.continueStory("Once upon a time", seeded)).isEqualTo(direct);
    }

    @Test
    void provider_parameters_defaulted_by_common_ones_keep_their_own_values() {
        OnnxChatRequestParameters own = OnnxChatRequestParameters.builder().seed(7L).minP(0.1)
                .repetitionPenalty(1.2).enableThinking(false).maxOutputTokens(5).build();
        ChatRequestParameters merged = own.defaultedBy(ChatRequestParameters.builder().maxOutputTokens(9)
                .temperature(0.5).build());
        assertThat(merged).isEqualTo(OnnxChatRequestParameters.builder().seed(7L).minP(0.1)
                .repetitionPenalty(1.2).enableThinking(false).maxOutputTokens(5).temperature(0.5).build());
    }
}
