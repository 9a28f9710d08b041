package dev.titans4j.t2.dispatch;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.request.ToolChoice;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.CompleteToolCall;
import dev.langchain4j.model.chat.response.PartialToolCall;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.titans4j.t2.OnnxChatEngine;
import dev.titans4j.t2.OnnxChatModel;
import dev.titans4j.t2.OnnxChatRequestParameters;
import dev.titans4j.t2.OnnxStreamingChatModel;
import dev.titans4j.t2.TestModels;
import dev.titans4j.t2.engine.EngineOptions;
import dev.titans4j.t2.svf.ExpertMix;
import dev.titans4j.t2.svf.RescaleRule;
import dev.titans4j.t2.svf.SvfAdapter;
import dev.titans4j.t2.svf.SvfExpert;
import dev.titans4j.t2.svf.SvfMultipliers;
import dev.titans4j.t2.svf.ValueKind;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Two-pass Transformer² on the real stories260K model: pass 2 runs with the dispatched mix (equal to the provider
 * run with those multipliers directly), metadata reports it, and concurrent requests with different mixes each get
 * exactly their own result.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class T2ChatModelTest {

    private static final String PROMPT = "Once upon a time";

    private OnnxChatEngine engine;
    private SvfAdapter adapter;
    private OnnxChatModel onnx;
    private SvfExpert calm;
    private SvfExpert wild;

    @BeforeAll
    void load() {
        engine = OnnxChatEngine.load(TestModels.stories260K(), EngineOptions.defaults().withIntraOpThreads(1));
        adapter = SvfAdapter.forEngine(engine);
        onnx = OnnxChatModel.builder().engine(engine).temperature(0.0).maxOutputTokens(24).build();
        calm = randomExpert("calm", 1.0, 0.6, 1);
        wild = randomExpert("wild", 1.0, 0.9, 2);
    }

    @AfterAll
    void close() {
        if (engine != null) { // null when @BeforeAll skipped for missing shared data
            engine.close();
        }
    }

    private SvfExpert randomExpert(String name, double center, double spread, long seed) {
        Random random = new Random(seed);
        Map<String, float[]> values = new LinkedHashMap<>();
        adapter.singularValues().matrices().forEach((w, m) -> {
            float[] v = new float[m.rank()];
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) (center + spread * (2 * random.nextDouble() - 1));
            }
            values.put(w, v);
        });
        return new SvfExpert(name, ValueKind.Z, RescaleRule.SUM_PRESERVING, adapter.singularValues().identity(),
                values);
    }

    private String direct(SvfMultipliers m) {
        return onnx.chat(ChatRequest.builder().messages(UserMessage.from(PROMPT))
                .parameters(OnnxChatRequestParameters.builder().svfMultipliers(m).build()).build())
                .aiMessage().text();
    }

    private T2ChatModel t2(Dispatcher dispatcher) {
        return T2ChatModel.builder().chatModel(onnx).adapter(adapter).dispatcher(dispatcher).build();
    }

    @Test
    void pass_two_runs_with_the_dispatched_mix_and_says_so() {
        ExpertMix mix = ExpertMix.of(List.of(calm, wild), new double[] {0.7, 0.3});
        ChatResponse response = t2(r -> Dispatch.free(mix, "story")).chat(UserMessage.from(PROMPT));
        String base = direct(SvfMultipliers.identity());
        assertThat(response.aiMessage().text()).isEqualTo(direct(adapter.multipliers(mix))).isNotEqualTo(base);

        T2ResponseMetadata metadata = (T2ResponseMetadata) response.metadata();
        assertThat(metadata.dispatchLabel()).isEqualTo("story");
        assertThat(metadata.expertWeights()).containsExactly(Map.entry("calm", 0.7), Map.entry("wild", 0.3));
        assertThat(metadata.tokenUsage().outputTokenCount()).isPositive();

        ChatResponse baseResponse = t2(r -> Dispatch.free(ExpertMix.base(), "other")).chat(UserMessage.from(PROMPT));
        assertThat(baseResponse.aiMessage().text()).isEqualTo(base);
        assertThat(((T2ResponseMetadata) baseResponse.metadata()).expertWeights()).isEmpty();
    }

    @Test
    void an_expert_in_the_providers_default_parameters_applies_to_every_request() {
        SvfMultipliers m = adapter.multipliers(calm);
        OnnxChatModel fixed = OnnxChatModel.builder().engine(engine).temperature(0.0).maxOutputTokens(24)
                .defaultRequestParameters(OnnxChatRequestParameters.builder().svfMultipliers(m).build()).build();
        assertThat(fixed.defaultRequestParameters().svfMultipliers()).isEqualTo(m);
        assertThat(fixed.chat(UserMessage.from(PROMPT)).aiMessage().text()).isEqualTo(direct(m));
    }

    @Test
    void the_classifier_expert_is_applied_during_pass_one_only() {
        // stories260K cannot classify; what matters is that pass 1 runs with the classifier's multipliers
        List<String> pass1 = new ArrayList<>();
        OnnxChatModel recording = new OnnxChatModelRecorder(engine, pass1).model();
        PromptDispatcher dispatcher = PromptDispatcher.builder().chatModel(recording).adapter(adapter)
                .expert("calm", calm).classifierExpert(wild).maxOutputTokens(8).build();
        Dispatch d = dispatcher.dispatch(ChatRequest.builder().messages(UserMessage.from(PROMPT)).build());
        assertThat(d.cost().outputTokens()).isBetween(1, 8);
        assertThat(d.cost().inputTokens()).isGreaterThan(20);
        assertThat(pass1).hasSize(1);
        String withClassifier = pass1.get(0);
        String expected = OnnxChatModel.builder().engine(engine).build().chat(ChatRequest.builder()
                .messages(dev.langchain4j.data.message.SystemMessage.from(dispatcher.prompt()),
                        UserMessage.from(PROMPT))
                .parameters(OnnxChatRequestParameters.builder().temperature(0.0).maxOutputTokens(8)
                        .svfMultipliers(adapter.multipliers(wild)).build()).build()).aiMessage().text();
        assertThat(withClassifier).isEqualTo(expected);
    }

    @Test
    void concurrent_requests_with_different_mixes_do_not_interfere() throws Exception {
        List<ExpertMix> mixes = List.of(ExpertMix.base(), ExpertMix.of(calm), ExpertMix.of(wild),
                ExpertMix.of(List.of(calm, wild), new double[] {0.5, 0.5}));
        List<String> expected = new ArrayList<>();
        for (ExpertMix mix : mixes) {
            expected.add(direct(adapter.multipliers(mix)));
        }
        assertThat(expected).doesNotHaveDuplicates();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<String>> futures = new ArrayList<>();
            List<Integer> which = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                int k = i % mixes.size();
                which.add(k);
                T2ChatModel model = t2(r -> Dispatch.free(mixes.get(k), "k" + k));
                futures.add(pool.submit(() -> model.chat(UserMessage.from(PROMPT)).aiMessage().text()));
            }
            for (int i = 0; i < futures.size(); i++) {
                assertThat(futures.get(i).get()).as("request " + i).isEqualTo(expected.get(which.get(i)));
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void streaming_gives_the_same_text_and_metadata() throws Exception {
        ExpertMix mix = ExpertMix.of(wild);
        OnnxStreamingChatModel streaming = OnnxStreamingChatModel.builder().engine(engine).temperature(0.0)
                .maxOutputTokens(24).build();
        T2ChatModel model = T2ChatModel.builder().chatModel(onnx).streamingChatModel(streaming).adapter(adapter)
                .dispatcher(r -> Dispatch.free(mix, "wild")).build();
        CompletableFuture<ChatResponse> done = new CompletableFuture<>();
        StringBuilder pieces = new StringBuilder();
        model.chat(List.of(UserMessage.from(PROMPT)), new StreamingChatResponseHandler() {
            @Override
            public void onPartialResponse(String partial) {
                pieces.append(partial);
            }

            @Override
            public void onCompleteResponse(ChatResponse response) {
                done.complete(response);
            }

            @Override
            public void onError(Throwable error) {
                done.completeExceptionally(error);
            }
        });
        ChatResponse response = done.get(60, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(response.aiMessage().text()).isEqualTo(pieces.toString())
                .isEqualTo(direct(adapter.multipliers(mix)));
        assertThat(((T2ResponseMetadata) response.metadata()).expertWeights()).containsEntry("wild", 1.0);
    }

    private T2ChatModel streamingT2(OnnxStreamingChatModel streaming) {
        return T2ChatModel.builder().chatModel(onnx).streamingChatModel(streaming).adapter(adapter)
                .dispatcher(r -> Dispatch.free(ExpertMix.base(), "base")).build();
    }

    @Test
    void streaming_reports_a_request_the_streaming_model_rejects_to_on_error() throws Exception {
        T2ChatModel model = streamingT2(OnnxStreamingChatModel.builder().engine(engine).build());
        CompletableFuture<Throwable> error = new CompletableFuture<>();
        model.chat(ChatRequest.builder().messages(UserMessage.from(PROMPT))
                .parameters(ChatRequestParameters.builder().temperature(-1.0).build()).build(),
                new StreamingChatResponseHandler() {
                    @Override
                    public void onCompleteResponse(ChatResponse response) {
                        error.completeExceptionally(new AssertionError("completed: " + response));
                    }

                    @Override
                    public void onError(Throwable e) {
                        error.complete(e);
                    }
                });
        assertThat(error.get(30, SECONDS)).isExactlyInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("temperature");
    }

    /**
     * An Error in pass 1 (a dispatcher out of memory while scoring) still reaches the handler's onError: on the
     * dispatch thread nothing else tells the caller, who would wait for the answer forever.
     */
    @Test
    void streaming_reports_an_error_in_pass_one_to_on_error() throws Exception {
        OutOfMemoryError outOfMemory = new OutOfMemoryError("no heap left for pass 1");
        T2ChatModel model = T2ChatModel.builder().chatModel(onnx)
                .streamingChatModel(OnnxStreamingChatModel.builder().engine(engine).build()).adapter(adapter)
                .dispatcher(r -> {
                    throw outOfMemory;
                }).build();
        CompletableFuture<Throwable> error = new CompletableFuture<>();
        model.chat(ChatRequest.builder().messages(UserMessage.from(PROMPT)).build(),
                new StreamingChatResponseHandler() {
                    @Override
                    public void onCompleteResponse(ChatResponse response) {
                        error.completeExceptionally(new AssertionError("completed: " + response));
                    }

                    @Override
                    public void onError(Throwable e) {
                        error.complete(e);
                    }
                });
        assertThat(error.get(30, SECONDS)).isSameAs(outOfMemory);
    }

    @Test
    void streaming_forwards_tool_call_events() throws Exception {
        ToolSpecification tool = ToolSpecification.builder().name("weather")
                .parameters(JsonObjectSchema.builder().addStringProperty("city").required("city").build()).build();
        T2ChatModel model = streamingT2(OnnxStreamingChatModel.builder().engine(engine).build());
        List<String> events = new CopyOnWriteArrayList<>();
        CompletableFuture<ChatResponse> done = new CompletableFuture<>();
        model.chat(ChatRequest.builder().messages(UserMessage.from(PROMPT))
                .parameters(OnnxChatRequestParameters.builder().temperature(1.0).seed(5L).maxOutputTokens(400)
                        .toolSpecifications(tool).toolChoice(ToolChoice.REQUIRED).build()).build(),
                new StreamingChatResponseHandler() {
                    @Override
                    public void onPartialToolCall(PartialToolCall call) {
                        events.add("partial " + call.index() + " " + call.id() + " " + call.partialArguments());
                    }

                    @Override
                    public void onCompleteToolCall(CompleteToolCall call) {
                        events.add("complete " + call.index() + " " + call.toolExecutionRequest().id() + " "
                                + call.toolExecutionRequest().arguments());
                    }

                    @Override
                    public void onCompleteResponse(ChatResponse response) {
                        done.complete(response);
                    }

                    @Override
                    public void onError(Throwable e) {
                        done.completeExceptionally(e);
                    }
                });
        ToolExecutionRequest call = done.get(30, SECONDS).aiMessage().toolExecutionRequests().get(0);
        assertThat(events).containsExactly("partial 0 " + call.id() + " " + call.arguments(),
                "complete 0 " + call.id() + " " + call.arguments());
    }
}
