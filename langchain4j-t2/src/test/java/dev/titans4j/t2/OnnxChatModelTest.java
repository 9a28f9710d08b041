package dev.titans4j.t2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.ImageContent;
import dev.langchain4j.data.message.TextContent;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.exception.UnsupportedFeatureException;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.chat.Capability;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.request.ResponseFormat;
import dev.langchain4j.model.chat.request.ToolChoice;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.output.FinishReason;
import dev.titans4j.t2.engine.EngineOptions;
import dev.titans4j.t2.engine.GenerationRequest;
import dev.titans4j.t2.engine.GenerationResult;
import dev.titans4j.t2.engine.StopReason;
import dev.titans4j.t2.engine.TokenSelector;
import dev.titans4j.t2.engine.PromptTooLongException;
import dev.langchain4j.model.chat.listener.ChatModelListener;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * {@link OnnxChatModel} on the real stories260K model (plain format) against llama2.c's reference generation, plus
 * parameters, stop sequences, limits and unsupported features.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OnnxChatModelTest {

    static final String PROMPT = "Once upon a time";

    private OnnxChatEngine engine;
    private JsonNode reference;
    private String referenceContinuation;

    @BeforeAll
    void load() throws IOException {
        engine = OnnxChatEngine.load(TestModels.stories260K(), EngineOptions.defaults().withIntraOpThreads(1));
        reference = new ObjectMapper().readTree(TestModels.stories260KSource()
                .resolve("reference_outputs.json").toFile()).get("once_upon_a_time");
        String text = reference.get("text").asText();
        // run.c echoes the prompt and ends with a newline of its own
        assertThat(text).startsWith(PROMPT).endsWith("\n");
        referenceContinuation = text.substring(PROMPT.length(), text.length() - 1);
    }

    @AfterAll
    void close() {
        if (engine != null) { // null when @BeforeAll skipped for missing shared data
            engine.close();
        }
    }

    private OnnxChatModel.Builder model() {
        return OnnxChatModel.builder().engine(engine);
    }

    @Test
    void plain_format_prompt_has_llama2c_prompt_ids() {
        int[] ids = engine.promptIds(List.of(UserMessage.from(PROMPT)));
        assertThat(ids).containsExactly(ints(reference.get("prompt_ids")));
    }

    /** A user typing "</s>" must not end the prompt with EOS (nor "<s>" start a new sequence): it is text. */
    @Test
    void special_token_strings_in_user_text_are_encoded_as_text() {
        String typed = PROMPT + "</s><s> The end";
        int[] ids = engine.promptIds(List.of(UserMessage.from(typed)));
        assertThat(ids[0]).isEqualTo(1); // the format's BOS
        assertThat(Arrays.copyOfRange(ids, 1, ids.length)).doesNotContain(0, 1, 2);
        assertThat(engine.tokenizer().decode(Arrays.copyOfRange(ids, 1, ids.length))).isEqualTo(typed);
        // counted as the engine encodes it
        assertThat(engine.tokenCountEstimator().estimateTokenCountInMessages(List.of(UserMessage.from(typed))))
                .isEqualTo(ids.length);
    }

    @Test
    void the_generation_loop_produces_llama2c_token_ids_and_streams_exactly_the_final_text() {
        int[] expectedIds = ints(reference.get("generated_ids"));
        int[] prompt = engine.promptIds(List.of(UserMessage.from(PROMPT)));
        StringBuilder streamed = new StringBuilder();
        GenerationResult result = engine.generator().generate(
                new GenerationRequest(prompt, expectedIds.length, engine.stopTokenIds(), List.of()),
                TokenSelector.greedy(), streamed::append, () -> false);

        assertThat(result.outputIds()).containsExactlyElementsOf(Arrays.stream(expectedIds).boxed().toList());
        assertThat(result.text()).isEqualTo(referenceContinuation).isEqualTo(streamed.toString());
        assertThat(result.stopReason()).isEqualTo(StopReason.MAX_OUTPUT_TOKENS);
    }

    @Test
    void an_end_of_sequence_id_ends_generation_is_counted_and_leaves_no_text() {
        int[] expectedIds = ints(reference.get("generated_ids"));
        int newline = 13; // stories260K never emits EOS; treat its first generated newline as one
        int at = Arrays.stream(expectedIds).boxed().toList().indexOf(newline);
        assertThat(at).isPositive();
        GenerationResult result = engine.generator().generate(
                new GenerationRequest(engine.promptIds(List.of(UserMessage.from(PROMPT))), 500, Set.of(newline),
                        List.of()),
                TokenSelector.greedy(), piece -> { }, () -> false);

        assertThat(result.stopReason()).isEqualTo(StopReason.END_OF_SEQUENCE);
        assertThat(result.outputTokens()).isEqualTo(at + 1);
        assertThat(result.text()).isEqualTo(engine.tokenizer().decode(Arrays.copyOf(expectedIds, at)));
    }

    @Test
    void greedy_chat_reproduces_the_llama2c_story_exactly() {
        int n = reference.get("generated_ids").size();
        ChatResponse response = model().temperature(0.0).maxOutputTokens(n).build()
                .chat(ChatRequest.builder().messages(UserMessage.from(PROMPT)).build());

        assertThat(response.aiMessage().text()).isEqualTo(referenceContinuation);
        assertThat(response.tokenUsage().inputTokenCount()).isEqualTo(5);
        assertThat(response.tokenUsage().outputTokenCount()).isEqualTo(n);
        assertThat(response.tokenUsage().totalTokenCount()).isEqualTo(5 + n);
        assertThat(response.finishReason()).isEqualTo(FinishReason.LENGTH);
        assertThat(response.metadata().modelName()).isEqualTo("stories260K");
        assertThat(response.metadata().id()).isNotBlank();
    }

    @Test
    void token_count_estimate_of_a_message_equals_the_prompt_tokens_the_model_reports() {
        ChatResponse response = model().maxOutputTokens(1).build().chat(UserMessage.from(PROMPT));
        assertThat(engine.tokenCountEstimator().estimateTokenCountInMessages(List.of(UserMessage.from(PROMPT))))
                .isEqualTo(response.tokenUsage().inputTokenCount());
    }

    @Test
    void a_model_built_from_a_path_owns_its_engine_and_one_given_an_engine_does_not() {
        String text;
        try (OnnxChatModel own = OnnxChatModel.builder().modelPath(TestModels.stories260K().toString()).threads(1)
                .maxOutputTokens(5).build()) {
            text = own.chat(PROMPT);
        }
        OnnxChatModel sharing = model().maxOutputTokens(5).build();
        sharing.close();
        assertThat(model().maxOutputTokens(5).build().chat(PROMPT)).isEqualTo(text);
    }

    @Test
    void a_closed_model_says_so() {
        OnnxChatModel own = OnnxChatModel.builder().modelPath(TestModels.stories260K()).threads(1).build();
        own.close();
        assertThatThrownBy(() -> own.chat(PROMPT)).isExactlyInstanceOf(IllegalStateException.class)
                .hasMessage("The model 'stories260K' is closed");
    }

    @Test
    void model_defaults_are_greedy_without_do_sample_in_generation_config() {
        assertThat(engine.modelDefaults().temperature()).isZero();
        String text = model().maxOutputTokens(20).build().chat(PROMPT);
        assertThat(referenceContinuation).startsWith(text);
    }

    @Test
    void max_output_tokens_cuts_the_reference_continuation() {
        ChatResponse response = model().build().chat(ChatRequest.builder()
                .messages(UserMessage.from(PROMPT))
                .parameters(ChatRequestParameters.builder().maxOutputTokens(5).build())
                .build());
        int[] first5 = Arrays.copyOf(ints(reference.get("generated_ids")), 5);
        assertThat(response.aiMessage().text()).isEqualTo(engine.tokenizer().decode(first5));
        assertThat(response.tokenUsage().outputTokenCount()).isEqualTo(5);
        assertThat(response.finishReason()).isEqualTo(FinishReason.LENGTH);
    }

    @Test
    void stop_sequence_ends_the_text_before_it_with_finish_reason_stop() {
        ChatResponse response = model().stopSequences(List.of(" girl", "never there")).build()
                .chat(ChatRequest.builder().messages(UserMessage.from(PROMPT)).build());
        String expected = referenceContinuation.substring(0, referenceContinuation.indexOf(" girl"));
        assertThat(response.aiMessage().text()).isEqualTo(expected).isEqualTo(", there was a little");
        assertThat(response.finishReason()).isEqualTo(FinishReason.STOP);
        // every token the model produced is counted, including the one that completed the stop sequence
        int[] generated = ints(reference.get("generated_ids"));
        int tokensUpToStop = 1;
        while (!engine.tokenizer().decode(Arrays.copyOf(generated, tokensUpToStop)).contains(" girl")) {
            tokensUpToStop++;
        }
        assertThat(response.tokenUsage().outputTokenCount()).isEqualTo(tokensUpToStop);
    }

    @Test
    void request_parameters_override_builder_defaults() {
        OnnxChatModel model = model().maxOutputTokens(3).build();
        ChatResponse response = model.chat(ChatRequest.builder().messages(UserMessage.from(PROMPT))
                .parameters(ChatRequestParameters.builder().maxOutputTokens(7).build()).build());
        assertThat(response.tokenUsage().outputTokenCount()).isEqualTo(7);
        assertThat(model.defaultRequestParameters().maxOutputTokens()).isEqualTo(3);
        assertThat(model.defaultRequestParameters().modelName()).isEqualTo("stories260K");
    }

    @Test
    void seeded_sampling_is_reproducible_and_the_seed_matters() {
        OnnxChatModel model = model().temperature(1.0).maxOutputTokens(40).build();
        List<String> bySeed = new ArrayList<>();
        for (long seed : new long[] {1, 1, 2, 3}) {
            bySeed.add(model.chat(ChatRequest.builder().messages(UserMessage.from(PROMPT))
                    .parameters(OnnxChatRequestParameters.builder().seed(seed).build()).build())
                    .aiMessage().text());
        }
        assertThat(bySeed.get(0)).isEqualTo(bySeed.get(1));
        assertThat(bySeed.subList(1, 4)).doesNotHaveDuplicates();
        assertThat(bySeed).allSatisfy(text -> assertThat(text).isNotEqualTo(referenceContinuation));
    }

    @Test
    void one_model_serves_concurrent_requests_with_identical_results() throws Exception {
        OnnxChatModel model = model().maxOutputTokens(60).build();
        String expected = model.chat(PROMPT);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<String>> results = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                results.add(pool.submit(() -> model.chat(PROMPT)));
            }
            for (Future<String> result : results) {
                assertThat(result.get()).isEqualTo(expected);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void an_interrupted_chat_throws_instead_of_returning_a_cut_answer() {
        ChatModelListener listener = mock(ChatModelListener.class);
        OnnxChatModel model = model().maxOutputTokens(20).listeners(List.of(listener)).build();
        Thread.currentThread().interrupt();
        try {
            assertThatThrownBy(() -> model.chat(PROMPT)).isExactlyInstanceOf(CancellationException.class)
                    .hasMessageContaining("interrupted");
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
        }
        verify(listener).onError(any());
        verify(listener, never()).onResponse(any());
        assertThat(model.chat(PROMPT)).isNotEmpty(); // the flag cleared, the model answers again
    }

    @Test
    void a_null_listener_is_rejected_before_an_owned_engine_is_loaded() {
        ChatModelListener listener = new ChatModelListener() { };
        // no model at this path: the listener error proves nothing was loaded (so nothing can leak)
        assertThatThrownBy(() -> OnnxChatModel.builder().modelPath("/nonexistent/model")
                .listeners(Arrays.asList(listener, null)).build())
                .isExactlyInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("listeners must not contain null (element 1 is null)");
    }

    @Test
    void a_prompt_longer_than_the_context_fails_clearly() {
        try (OnnxChatEngine small = OnnxChatEngine.load(TestModels.stories260K(),
                EngineOptions.defaults().withMaxContextLength(8))) {
            OnnxChatModel model = OnnxChatModel.builder().engine(small).build();
            int modelContext = small.model().manifest().dimensions().contextLength();
            assertThatThrownBy(() -> model.chat("Once upon a time there was a big dog"))
                    .isInstanceOfSatisfying(PromptTooLongException.class, e -> assertThat(e.getMessage())
                            .contains("The prompt has " + e.promptTokens() + " tokens and needs at least "
                                    + (e.promptTokens() + 1) + " positions (the prompt plus one output token)")
                            .contains("context holds 8 tokens (capped by maxContextLength; the model's own context is "
                                    + modelContext + ")"));
        }
    }

    @Test
    void required_tool_choice_makes_even_a_base_model_call_an_offered_tool() {
        ToolSpecification tool = ToolSpecification.builder().name("weather")
                .parameters(JsonObjectSchema.builder().addStringProperty("city").required("city").build()).build();
        ChatResponse response = model().temperature(1.0).seed(7L).build().chat(ChatRequest.builder()
                .messages(UserMessage.from("Once upon a time"))
                .parameters(ChatRequestParameters.builder().toolSpecifications(tool)
                        .toolChoice(ToolChoice.REQUIRED).build()).build());
        assertThat(response.finishReason()).isEqualTo(FinishReason.TOOL_EXECUTION);
        assertThat(response.aiMessage().toolExecutionRequests()).isNotEmpty().allSatisfy(call -> {
            assertThat(call.name()).isEqualTo("weather");
            assertThat(call.id()).hasSize(9);
            assertThat(call.arguments()).startsWith("{\"city\":\"");
        });
        assertThat(response.aiMessage().text()).isNull();
    }

    @Test
    void tool_names_must_be_unique() {
        ToolSpecification a = ToolSpecification.builder().name("weather").build();
        ToolSpecification b = ToolSpecification.builder().name("weather").description("other").build();
        assertThatThrownBy(() -> model().build().chat(ChatRequest.builder().messages(UserMessage.from("hi"))
                .parameters(ChatRequestParameters.builder().toolSpecifications(a, b).build()).build()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("two tool specifications are named 'weather'");
    }

    @Test
    void required_tool_choice_needs_tools() {
        assertThatThrownBy(() -> model().build().chat(ChatRequest.builder().messages(UserMessage.from("hi"))
                .parameters(OnnxChatRequestParameters.builder().toolChoice(ToolChoice.REQUIRED).build()).build()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("toolChoice REQUIRED needs at least one tool specification");
    }

    @Test
    void default_required_tool_choice_applies_to_the_tools_each_request_brings() {
        OnnxChatModel alwaysCalls = model().seed(7L).defaultRequestParameters(
                ChatRequestParameters.builder().toolChoice(ToolChoice.REQUIRED).build()).build();
        ToolSpecification tool = ToolSpecification.builder().name("weather")
                .parameters(JsonObjectSchema.builder().addStringProperty("city").required("city").build()).build();
        ChatResponse response = alwaysCalls.chat(ChatRequest.builder().messages(UserMessage.from("Once upon a time"))
                .parameters(ChatRequestParameters.builder().toolSpecifications(tool).build()).build());
        assertThat(response.finishReason()).isEqualTo(FinishReason.TOOL_EXECUTION);
        assertThat(response.aiMessage().toolExecutionRequests()).isNotEmpty()
                .allSatisfy(call -> assertThat(call.name()).isEqualTo("weather"));
        assertThatThrownBy(() -> alwaysCalls.chat(UserMessage.from("hi")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("toolChoice REQUIRED needs at least one tool specification");
    }

    @Test
    void json_response_format_gives_a_json_object() throws Exception {
        ChatResponse response = model().temperature(1.0).seed(3L)
                .constraintLimits(dev.titans4j.t2.constrain.ConstraintLimits.builder().maxWhitespace(1)
                        .maxStringBytes(24).maxArrayItems(4).maxDepth(8).build())
                .build().chat(
                ChatRequest.builder().messages(UserMessage.from("Once upon a time"))
                        .parameters(ChatRequestParameters.builder().responseFormat(ResponseFormat.JSON).build())
                        .build());
        assertThat(response.finishReason()).as(response.aiMessage().text()).isEqualTo(FinishReason.STOP);
        assertThat(new com.fasterxml.jackson.databind.ObjectMapper().readTree(response.aiMessage().text()).isObject())
                .as(response.aiMessage().text()).isTrue();
        assertThat(model().build().supportedCapabilities()).contains(Capability.RESPONSE_FORMAT_JSON_SCHEMA);
    }

    /** No trailing whitespace, so the grammar is finished (nothing may follow) right after the closing brace. */
    private static final dev.titans4j.t2.constrain.ConstraintLimits TIGHT_JSON =
            dev.titans4j.t2.constrain.ConstraintLimits.builder().maxWhitespace(0).maxStringBytes(12)
                    .maxArrayItems(3).maxDepth(6).build();

    @Test
    void finished_constrained_output_stops_without_another_model_run_or_an_ungenerated_eos() throws Exception {
        int[] prompt = engine.promptIds(List.of(UserMessage.from(PROMPT)));
        int[] modelRuns = new int[1];
        int[] eos = engine.tokenVocabulary().eosTokenIds();
        TokenSelector constrained = new ConstrainedSelector(dev.titans4j.t2.constrain.JsonConstraint.anyJsonObject()
                .withLimits(TIGHT_JSON).start(engine.tokenVocabulary()), TokenSelector.greedy(), eos[0],
                Integer.MAX_VALUE);
        TokenSelector counting = new TokenSelector() { // one select per model run (prefill or decode)
            @Override
            public int select(float[] logits) {
                modelRuns[0]++;
                return constrained.select(logits);
            }

            @Override
            public boolean finished() {
                return constrained.finished();
            }
        };
        GenerationResult result = engine.generator().generate(
                new GenerationRequest(prompt, 400, engine.stopTokenIds(), List.of()), counting, piece -> { },
                () -> false);

        assertThat(result.stopReason()).as(result.text()).isEqualTo(StopReason.END_OF_SEQUENCE);
        assertThat(new ObjectMapper().readTree(result.text()).isObject()).as(result.text()).isTrue();
        assertThat(result.outputIds()).doesNotContainAnyElementsOf(engine.stopTokenIds());
        assertThat(engine.tokenizer().decode(result.outputIds().stream().mapToInt(Integer::intValue).toArray()))
                .isEqualTo(result.text());
        assertThat(modelRuns[0]).isEqualTo(result.outputTokens());
    }

    @Test
    void json_completing_exactly_at_max_output_tokens_is_a_stop_and_one_token_less_closes_it_early()
            throws Exception {
        ChatRequest request = ChatRequest.builder().messages(UserMessage.from(PROMPT))
                .parameters(ChatRequestParameters.builder().responseFormat(ResponseFormat.JSON).build()).build();
        ChatResponse free = model().temperature(0.0).constraintLimits(TIGHT_JSON).build().chat(request);
        int n = free.tokenUsage().outputTokenCount();
        assertThat(free.finishReason()).as(free.aiMessage().text()).isEqualTo(FinishReason.STOP);

        ChatResponse exact = model().temperature(0.0).constraintLimits(TIGHT_JSON).maxOutputTokens(n)
                .build().chat(request);

        assertThat(exact.aiMessage().text()).isEqualTo(free.aiMessage().text());
        assertThat(exact.finishReason()).as("the budget never overrode the model").isEqualTo(FinishReason.STOP);
        assertThat(exact.tokenUsage().outputTokenCount()).isEqualTo(n);
        // one token fewer: the object is closed early, still valid JSON, and says so
        ChatResponse closed = model().temperature(0.0).constraintLimits(TIGHT_JSON).maxOutputTokens(n - 1)
                .build().chat(request);
        assertThat(closed.aiMessage().text()).isNotEqualTo(free.aiMessage().text());
        new com.fasterxml.jackson.databind.ObjectMapper().readTree(closed.aiMessage().text());
        assertThat(closed.finishReason()).isEqualTo(FinishReason.LENGTH);
        assertThat(closed.tokenUsage().outputTokenCount()).isLessThanOrEqualTo(n - 1);
    }

    @Test
    void images_and_other_model_names_are_unsupported() {
        OnnxChatModel model = model().build();
        assertThatThrownBy(() -> model.chat(ChatRequest.builder().messages(UserMessage.from(
                TextContent.from("what is this?"), ImageContent.from("https://example.com/cat.png"))).build()))
                .isExactlyInstanceOf(UnsupportedFeatureException.class)
                .hasMessageContaining("image");
        assertThatThrownBy(() -> model.chat(ChatRequest.builder().messages(UserMessage.from("hi"))
                .parameters(ChatRequestParameters.builder().modelName("gpt-4o").build()).build()))
                .isExactlyInstanceOf(UnsupportedFeatureException.class)
                .hasMessageContaining("modelName").hasMessageContaining("stories260K");
        assertThatThrownBy(() -> model().defaultRequestParameters(
                ChatRequestParameters.builder().modelName("gpt-4o").build()).build())
                .isExactlyInstanceOf(UnsupportedFeatureException.class);
    }

    @Test
    void out_of_range_parameters_are_rejected_before_generation() {
        assertThatThrownBy(() -> model().temperature(-1.0).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("temperature");
        assertThatThrownBy(() -> model().build().chat(ChatRequest.builder().messages(UserMessage.from("hi"))
                .parameters(ChatRequestParameters.builder().topP(1.5).build()).build()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("topP");
        assertThatThrownBy(() -> model().maxOutputTokens(0).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxOutputTokens");
        assertThatThrownBy(() -> OnnxChatModel.builder().build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("modelPath");
    }

    static int[] ints(JsonNode array) {
        int[] out = new int[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).asInt();
        }
        return out;
    }
}
