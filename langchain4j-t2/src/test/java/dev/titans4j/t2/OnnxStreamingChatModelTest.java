package dev.titans4j.t2;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.exception.UnsupportedFeatureException;
import dev.langchain4j.model.chat.response.PartialToolCall;
import dev.langchain4j.model.chat.response.CompleteToolCall;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.chat.request.ToolChoice;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.data.message.ImageContent;
import dev.langchain4j.data.message.TextContent;
import dev.langchain4j.model.chat.listener.ChatModelErrorContext;
import dev.langchain4j.model.chat.listener.ChatModelListener;
import dev.langchain4j.model.chat.listener.ChatModelResponseContext;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.PartialResponse;
import dev.langchain4j.model.chat.response.PartialResponseContext;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.output.FinishReason;
import dev.titans4j.t2.engine.EngineOptions;
import dev.titans4j.t2.engine.PromptTooLongException;
import dev.titans4j.t2.svf.SvfMultipliers;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * {@link OnnxStreamingChatModel}'s streaming contract on stories260K: pieces add up to the blocking result, a worker
 * thread, cancellation, user exceptions routed to {@code onError}, synchronous validation errors. These are the
 * mechanics of the LangChain4j suite tests that also assert an instruct model's answer.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OnnxStreamingChatModelTest {

    private static final String PROMPT = "Once upon a time";

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

    private OnnxStreamingChatModel.Builder model() {
        return OnnxStreamingChatModel.builder().engine(engine);
    }

    /** Records every callback; completes when onCompleteResponse or onError arrives (or both, when asked). */
    static class Recorder implements StreamingChatResponseHandler {
        final List<String> pieces = new CopyOnWriteArrayList<>();
        final List<Throwable> errors = new CopyOnWriteArrayList<>();
        final Set<Thread> threads = new CopyOnWriteArraySet<>();
        final CompletableFuture<ChatResponse> response = new CompletableFuture<>();
        final CompletableFuture<Throwable> firstError = new CompletableFuture<>();
        final AtomicInteger completions = new AtomicInteger();

        @Override
        public void onPartialResponse(PartialResponse partial, PartialResponseContext context) {
            threads.add(Thread.currentThread());
            pieces.add(partial.text());
            onPiece(partial.text(), context);
        }

        void onPiece(String piece, PartialResponseContext context) {
        }

        @Override
        public void onCompleteResponse(ChatResponse completeResponse) {
            threads.add(Thread.currentThread());
            completions.incrementAndGet();
            response.complete(completeResponse);
        }

        @Override
        public void onError(Throwable error) {
            threads.add(Thread.currentThread());
            errors.add(error);
            firstError.complete(error);
        }

        String joined() {
            return String.join("", pieces);
        }
    }

    @Test
    void pieces_concatenate_to_the_blocking_result_on_one_worker_thread() throws Exception {
        String blocking = OnnxChatModel.builder().engine(engine).maxOutputTokens(80).build().chat(PROMPT);
        Recorder recorder = new Recorder();

        model().maxOutputTokens(80).build().chat(PROMPT, recorder);
        ChatResponse response = recorder.response.get(30, SECONDS);

        assertThat(response.aiMessage().text()).isEqualTo(blocking);
        assertThat(recorder.joined()).isEqualTo(blocking);
        assertThat(recorder.pieces).hasSizeGreaterThan(10).allSatisfy(p -> assertThat(p).isNotEmpty());
        assertThat(recorder.threads).hasSize(1).doesNotContain(Thread.currentThread());
        assertThat(recorder.threads.iterator().next().getName()).startsWith("titans4j-onnx-stream-");
        assertThat(recorder.errors).isEmpty();
        assertThat(response.finishReason()).isEqualTo(FinishReason.LENGTH);
        assertThat(response.tokenUsage().outputTokenCount()).isEqualTo(80);
    }

    @Test
    void text_that_may_start_a_stop_sequence_is_held_back_and_never_streamed() throws Exception {
        Recorder recorder = new Recorder();
        model().stopSequences(List.of(" little girl")).build().chat(PROMPT, recorder);
        ChatResponse response = recorder.response.get(30, SECONDS);

        assertThat(response.aiMessage().text()).isEqualTo(", there was a");
        assertThat(recorder.joined()).isEqualTo(", there was a");
        assertThat(response.finishReason()).isEqualTo(FinishReason.STOP);
    }

    @Test
    void cancelling_from_a_partial_response_stops_generation_without_further_callbacks() throws Exception {
        CountDownLatch cancelled = new CountDownLatch(1);
        Recorder recorder = new Recorder() {
            @Override
            void onPiece(String piece, PartialResponseContext context) {
                if (pieces.size() == 3) {
                    context.streamingHandle().cancel();
                    assertThat(context.streamingHandle().isCancelled()).isTrue();
                    cancelled.countDown();
                }
            }
        };
        model().build().chat(PROMPT, recorder);

        assertThat(cancelled.await(30, SECONDS)).isTrue();
        Thread.sleep(300); // a running generation would stream several more pieces in this time
        assertThat(recorder.pieces).hasSize(3);
        assertThat(recorder.completions).hasValue(0);
        assertThat(recorder.errors).isEmpty();
    }

    @Test
    void cancelling_during_the_last_token_gives_no_complete_response() throws Exception {
        ExecutorService worker = Executors.newSingleThreadExecutor();
        Recorder recorder = new Recorder() {
            @Override
            void onPiece(String piece, PartialResponseContext context) {
                context.streamingHandle().cancel();
            }
        };
        // the one token allowed ends generation by length right after its piece, before any cancellation check
        model().executor(worker).maxOutputTokens(1).build().chat(PROMPT, recorder);
        worker.shutdown();

        assertThat(worker.awaitTermination(30, SECONDS)).isTrue();
        assertThat(recorder.pieces).hasSize(1);
        assertThat(recorder.completions).hasValue(0);
        assertThat(recorder.errors).isEmpty();
    }

    @Test
    void exceptions_from_on_partial_response_go_to_on_error_and_generation_continues() throws Exception {
        RuntimeException userBug = new RuntimeException("bug in user code");
        AtomicInteger partials = new AtomicInteger();
        List<Throwable> listenerErrors = new CopyOnWriteArrayList<>();
        AtomicInteger listenerResponses = new AtomicInteger();
        ChatModelListener listener = new ChatModelListener() {
            @Override
            public void onResponse(ChatModelResponseContext context) {
                listenerResponses.incrementAndGet();
            }

            @Override
            public void onError(ChatModelErrorContext context) {
                listenerErrors.add(context.error());
            }
        };
        Recorder recorder = new Recorder() {
            @Override
            void onPiece(String piece, PartialResponseContext context) {
                partials.incrementAndGet();
                throw userBug;
            }
        };
        model().maxOutputTokens(20).listeners(List.of(listener)).build().chat(PROMPT, recorder);
        ChatResponse response = recorder.response.get(30, SECONDS);

        assertThat(partials.get()).isGreaterThan(1);
        assertThat(recorder.errors).hasSize(partials.get()).containsOnly(userBug);
        assertThat(listenerErrors).hasSize(partials.get());
        assertThat(listenerResponses).hasValue(1);
        assertThat(response.aiMessage().text()).isEqualTo(recorder.joined());
    }

    @Test
    void an_exception_from_on_complete_response_goes_to_on_error_once_and_one_from_on_error_is_ignored()
            throws Exception {
        RuntimeException userBug = new RuntimeException("bug in user code");
        Recorder recorder = new Recorder() {
            @Override
            public void onCompleteResponse(ChatResponse completeResponse) {
                super.onCompleteResponse(completeResponse);
                throw userBug;
            }

            @Override
            public void onError(Throwable error) {
                super.onError(error);
                throw new IllegalStateException("onError failing too must not break the model");
            }
        };
        OnnxStreamingChatModel model = model().maxOutputTokens(5).build();
        model.chat(PROMPT, recorder);

        assertThat(recorder.firstError.get(30, SECONDS)).isSameAs(userBug);
        Thread.sleep(100);
        assertThat(recorder.errors).containsExactly(userBug);
        // the worker survived: the model still answers
        Recorder next = new Recorder();
        model.chat(PROMPT, next);
        assertThat(next.response.get(30, SECONDS).aiMessage().text()).isNotBlank();
    }

    @Test
    void an_error_during_generation_reaches_on_error_and_is_rethrown_on_the_worker() throws Exception {
        OutOfMemoryError oom = new OutOfMemoryError("Direct buffer memory (simulated)");
        CompletableFuture<Throwable> uncaught = new CompletableFuture<>();
        ExecutorService executor = Executors.newSingleThreadExecutor(task -> {
            Thread thread = new Thread(task, "error-test-worker");
            thread.setUncaughtExceptionHandler((t, e) -> uncaught.complete(e));
            return thread;
        });
        try {
            Recorder recorder = new Recorder() {
                @Override
                void onPiece(String piece, PartialResponseContext context) {
                    throw oom; // an Error escapes LangChain4j's handler guard, like one from the engine would
                }
            };
            model().executor(executor).maxOutputTokens(10).build().chat(PROMPT, recorder);

            assertThat(recorder.firstError.get(30, SECONDS)).isSameAs(oom);
            assertThat(uncaught.get(30, SECONDS)).isSameAs(oom);
            assertThat(recorder.completions).hasValue(0);
        } finally {
            executor.shutdownNow();
        }
    }

    @Test
    void forced_tool_calls_stream_as_tool_call_events_and_never_as_text() throws Exception {
        ToolSpecification tool = ToolSpecification.builder().name("weather")
                .parameters(JsonObjectSchema.builder().addStringProperty("city").required("city").build()).build();
        List<String> events = new CopyOnWriteArrayList<>();
        Recorder recorder = new Recorder() {
            @Override
            public void onPartialToolCall(PartialToolCall call) {
                events.add("partial " + call.index() + " " + call.id() + " " + call.name() + " " + call.partialArguments());
            }

            @Override
            public void onCompleteToolCall(CompleteToolCall call) {
                ToolExecutionRequest r = call.toolExecutionRequest();
                events.add("complete " + call.index() + " " + r.id() + " " + r.name() + " " + r.arguments());
            }
        };
        model().temperature(1.0).seed(5L).build().chat(ChatRequest.builder().messages(UserMessage.from(PROMPT))
                .parameters(ChatRequestParameters.builder().toolSpecifications(tool).toolChoice(ToolChoice.REQUIRED)
                        .build()).build(), recorder);
        ChatResponse response = recorder.response.get(30, SECONDS);
        assertThat(recorder.errors).isEmpty();
        assertThat(recorder.pieces).isEmpty(); // no <tool_call> markup as text
        ToolExecutionRequest call = response.aiMessage().toolExecutionRequests().get(0);
        assertThat(response.finishReason()).isEqualTo(FinishReason.TOOL_EXECUTION);
        assertThat(events).containsExactly(
                "partial 0 " + call.id() + " weather " + call.arguments(),
                "complete 0 " + call.id() + " weather " + call.arguments());
    }

    @Test
    void unsupported_features_throw_on_the_callers_thread_without_callbacks() {
        Recorder recorder = new Recorder();
        ChatRequest withImage = ChatRequest.builder().messages(UserMessage.from(TextContent.from("what is this?"),
                ImageContent.from("https://example.com/cat.png"))).build();
        assertThatThrownBy(() -> model().build().chat(withImage, recorder))
                .isExactlyInstanceOf(UnsupportedFeatureException.class)
                .hasMessageContaining("image");
        assertThat(recorder.pieces).isEmpty();
        assertThat(recorder.errors).isEmpty();
    }

    @Test
    void a_closed_model_throws_on_the_callers_thread_without_callbacks() {
        Recorder recorder = new Recorder();
        OnnxStreamingChatModel own = OnnxStreamingChatModel.builder().modelPath(TestModels.stories260K()).threads(1)
                .build();
        own.close();
        assertThatThrownBy(() -> own.chat(PROMPT, recorder)).isExactlyInstanceOf(IllegalStateException.class)
                .hasMessage("The model 'stories260K' is closed");
        assertThat(recorder.pieces).isEmpty();
        assertThat(recorder.errors).isEmpty();
    }

    @Test
    void invalid_svf_multipliers_throw_on_the_callers_thread_without_callbacks() {
        var matrix = engine.model().manifest().svf().matrices().get(0);
        Map<String, Map<String, float[]>> invalid = Map.of(
                "is not an SVF input", Map.of("no_such_input", new float[] {1f}),
                "needs " + matrix.rank() + " multipliers, got " + (matrix.rank() + 1),
                Map.of(matrix.input(), new float[matrix.rank() + 1]));
        invalid.forEach((message, multipliers) -> {
            Recorder recorder = new Recorder();
            ChatRequest request = ChatRequest.builder().messages(UserMessage.from(PROMPT))
                    .parameters(OnnxChatRequestParameters.builder().svfMultipliers(SvfMultipliers.of(multipliers))
                            .build()).build();
            assertThatThrownBy(() -> model().build().chat(request, recorder))
                    .isExactlyInstanceOf(IllegalArgumentException.class).hasMessageContaining(message);
            assertThat(recorder.pieces).isEmpty();
            assertThat(recorder.errors).isEmpty();
        });
    }

    @Test
    void a_prompt_too_long_for_the_context_reaches_on_error() throws Exception {
        try (OnnxChatEngine small = OnnxChatEngine.load(TestModels.stories260K(),
                EngineOptions.defaults().withMaxContextLength(6))) {
            Recorder recorder = new Recorder();
            OnnxStreamingChatModel.builder().engine(small).build()
                    .chat("Once upon a time there was a dog", recorder);
            assertThat(recorder.firstError.get(30, SECONDS)).isInstanceOf(PromptTooLongException.class)
                    .hasMessageContaining("context holds 6 tokens");
            assertThat(recorder.pieces).isEmpty();
            assertThat(recorder.completions).hasValue(0);
        }
    }
}
