package dev.titans4j.t2.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.TextContent;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.output.TokenUsage;
import dev.titans4j.export.testing.TinyCheckpoint;
import dev.titans4j.t2.OnnxChatRequestParameters;
import dev.titans4j.t2.svf.BaseModelIdentity;
import dev.titans4j.t2.svf.RescaleRule;
import dev.titans4j.t2.svf.SvfExpert;
import dev.titans4j.t2.svf.ValueKind;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The classification pass: what it asks the classifying model (a scripted stand-in for the LLM, an outside
 * collaborator here) and how the boxed answer maps to experts.
 */
class PromptDispatcherTest {

    private static final BaseModelIdentity BASE = new BaseModelIdentity(TinyCheckpoint.LLAMA, 8, 16, 1, 32,
            Map.of("w", 1.0));
    private static final SvfExpert MATH = new SvfExpert("math-expert", ValueKind.Z, RescaleRule.SUM_PRESERVING, BASE,
            Map.of("w", new float[] {1f}));
    private static final SvfExpert CODE = MATH.withName("code-expert");

    private final List<ChatRequest> seen = new ArrayList<>();

    private ChatModel answering(String text) {
        return new ChatModel() {
            @Override
            public OnnxChatRequestParameters defaultRequestParameters() {
                return OnnxChatRequestParameters.EMPTY; // as the ONNX provider: merged parameters keep the SVF field
            }

            @Override
            public ChatResponse doChat(ChatRequest request) {
                seen.add(request);
                return ChatResponse.builder().aiMessage(AiMessage.from(text))
                        .tokenUsage(new TokenUsage(120, 7)).build();
            }
        };
    }

    private PromptDispatcher dispatcher(String answer) {
        return PromptDispatcher.builder().chatModel(answering(answer))
                .expert("math", MATH).expert("Code", CODE).maxOutputTokens(12).build();
    }

    @Test
    void asks_greedily_without_thinking_with_a_capped_output_and_the_labels_in_the_prompt() {
        Dispatch d = dispatcher("Classification: \\boxed{ Math }").dispatch(ChatRequest.builder()
                .messages(SystemMessage.from("be nice"), UserMessage.from("What is 2+2?")).build());
        assertThat(d.label()).isEqualTo("math");
        assertThat(d.mix().experts()).containsExactly(MATH);
        assertThat(d.cost().inputTokens()).isEqualTo(120);
        assertThat(d.cost().outputTokens()).isEqualTo(7);

        ChatRequest asked = seen.get(0);
        assertThat(asked.messages()).hasSize(2);
        assertThat(((SystemMessage) asked.messages().get(0)).text()).contains("'math', 'code' or 'other'")
                .contains("\\boxed{math}");
        assertThat(((UserMessage) asked.messages().get(1)).singleText()).isEqualTo("What is 2+2?");
        assertThat(asked.parameters().temperature()).isEqualTo(0.0);
        assertThat(asked.parameters().maxOutputTokens()).isEqualTo(12);
        assertThat(((OnnxChatRequestParameters) asked.parameters()).svfMultipliers()).isNull();
        // a reasoning model (Qwen3, SmolLM3) would spend the capped output inside <think> and never box a label
        assertThat(((OnnxChatRequestParameters) asked.parameters()).enableThinking()).isFalse();
    }

    /**
     * The question is the last user message even when it has several text parts (the provider joins them with
     * newlines): classifying an earlier turn instead would pick that turn's expert.
     */
    @Test
    void a_last_user_message_of_several_text_parts_is_the_one_classified() {
        dispatcher("\\boxed{math}").dispatch(ChatRequest.builder().messages(
                UserMessage.from("Write a sort in Java"), AiMessage.from("done"),
                UserMessage.from(TextContent.from("What is"), TextContent.from("2+2?"))).build());
        assertThat(((UserMessage) seen.get(0).messages().get(1)).singleText()).isEqualTo("What is\n2+2?");
    }

    @Test
    void other_unknown_or_missing_labels_select_the_base_model() {
        for (String answer : List.of("\\boxed{other}", "\\boxed{poetry}", "I think it is math")) {
            Dispatch d = dispatcher(answer).dispatch(ChatRequest.builder().messages(UserMessage.from("q")).build());
            assertThat(d.mix().isBase()).as(answer).isTrue();
            assertThat(d.label()).isEqualTo("other");
        }
        assertThat(BoxedAnswer.parse("x \\boxed{code} y \\boxed{math}")).contains("code");
    }
}
