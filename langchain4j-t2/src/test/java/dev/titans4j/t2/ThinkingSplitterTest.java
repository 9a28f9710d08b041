package dev.titans4j.t2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.titans4j.export.testing.SharedData;
import dev.titans4j.t2.tokenizer.IncrementalDecoder;
import dev.titans4j.t2.tokenizer.ModelTokenizer;
import dev.titans4j.t2.tools.ParsedAnswer;
import dev.titans4j.t2.tools.ToolCallSyntax;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ThinkingSplitterTest {

    /** answer, expected thinking (null: none), expected text. */
    static Stream<Arguments> answers() {
        return Stream.of(
                Arguments.of("<think>\nLet me add.\n2+2=4\n</think>\n\nIt is 4.", "Let me add.\n2+2=4", "It is 4."),
                // SmolLM3 writes a single newline after </think>
                Arguments.of("<think>\nHmm.\n</think>\nHi!\n\nBye.", "Hmm.", "Hi!\n\nBye."),
                Arguments.of("\n <think>a\n\n\nb</think>c", "a\n\n\nb", "c"),
                // thinking off: the prompt holds the empty block, the model answers at once
                Arguments.of("Paris.", null, "Paris."),
                Arguments.of("<think>\n\n</think>\n\nParis.", null, "Paris."),
                // tags anywhere but the start are answer text
                Arguments.of("Use <think> tags </think> like this", null, "Use <think> tags </think> like this"),
                Arguments.of("<thinking>x", null, "<thinking>x"),
                Arguments.of("<thi", null, "<thi"),
                // cut off inside the reasoning: all of it is thinking, no text
                Arguments.of("<think>\nStill going\n\n", "Still going", ""),
                Arguments.of("<think>\nabc\n</thi", "abc\n</thi", ""),
                Arguments.of("<think>", null, ""),
                Arguments.of("", null, ""));
    }

    @ParameterizedTest
    @MethodSource("answers")
    void splitsWholeAnswers(String answer, String thinking, String text) {
        ThinkingSplitter split = ThinkingSplitter.split(answer);
        assertThat(split.thinking()).isEqualTo(thinking);
        assertThat(split.text()).isEqualTo(text);
    }

    /** Every cut into two and three pieces, tags and newline runs split included, streams the same split. */
    @ParameterizedTest
    @MethodSource("answers")
    void piecesCutAnywhereStreamTheSameSplit(String answer, String thinking, String text) {
        for (int i = 0; i <= answer.length(); i++) {
            for (int j = i; j <= answer.length(); j++) {
                assertStreamsTo(List.of(answer.substring(0, i), answer.substring(i, j), answer.substring(j)),
                        thinking, text);
            }
        }
    }

    /**
     * answer after a prompt that opened {@code <think>} (DeepSeek-R1-Distill's {@code <｜Assistant｜><think>\n}),
     * expected thinking (null: none), expected text.
     */
    static Stream<Arguments> answersInOpenedReasoning() {
        return Stream.of(
                Arguments.of("Okay, a greeting.\nI greet back.\n</think>\n\nHello!", "Okay, a greeting.\nI greet back.",
                        "Hello!"),
                Arguments.of("\nHmm.</think>Hi", "Hmm.", "Hi"),
                // the tag written anyway opens the same reasoning
                Arguments.of("<think>\nHmm.\n</think>\n\nHi", "Hmm.", "Hi"),
                // later tags are answer text, as after a closed block
                Arguments.of("a</think>b <think>c</think>", "a", "b <think>c</think>"),
                // never closed (the token limit, or a model that does not reason): all of it is thinking
                Arguments.of("Once upon a time\n", "Once upon a time", ""),
                Arguments.of("<thi", "<thi", ""),
                Arguments.of("\n\n", null, ""),
                Arguments.of("</think>\n\nParis.", null, "Paris."),
                Arguments.of("", null, ""));
    }

    @ParameterizedTest
    @MethodSource("answersInOpenedReasoning")
    void anAnswerToAPromptThatOpenedTheReasoningStartsInIt(String answer, String thinking, String text) {
        for (int i = 0; i <= answer.length(); i++) {
            for (int j = i; j <= answer.length(); j++) {
                assertStreamsTo(true, List.of(answer.substring(0, i), answer.substring(i, j), answer.substring(j)),
                        thinking, text);
            }
        }
        ThinkingSplitter split = ThinkingSplitter.split(answer, true);
        assertThat(split.thinking()).isEqualTo(thinking);
        assertThat(split.text()).isEqualTo(text);
    }

    @Test
    void aPromptOpensTheReasoningWhenItEndsInsideAnOpenedThinkTag() {
        assertThat(ThinkingSplitter.opensReasoning("<｜User｜>Hi<｜Assistant｜><think>\n")).isTrue();
        assertThat(ThinkingSplitter.opensReasoning("<|im_start|>assistant\n<think>\n")).isTrue();
        assertThat(ThinkingSplitter.opensReasoning("<|im_start|>assistant\n<think>\n\n</think>\n\n")).isFalse();
        assertThat(ThinkingSplitter.opensReasoning("<|im_start|>assistant\n")).isFalse();
        assertThat(ThinkingSplitter.opensReasoning("<think>\nplanned</think><|im_start|>assistant\n")).isFalse();
    }

    @Test
    void closingAnOpenedReasoningWritesWhatQwen3WritesWithThinkingOff() {
        assertThat(ThinkingSplitter.closeOpenedReasoning("<|im_start|>assistant\n<think>\n"))
                .isEqualTo("<|im_start|>assistant\n<think>\n\n</think>\n\n");
        assertThat(ThinkingSplitter.closeOpenedReasoning("<｜Assistant｜><think>"))
                .isEqualTo("<｜Assistant｜><think>\n\n</think>\n\n");
        String notOpened = "<think>\nplanned</think><|im_start|>assistant\n";
        assertThat(ThinkingSplitter.closeOpenedReasoning(notOpened)).isSameAs(notOpened);
        assertThat(ThinkingSplitter.opensReasoning(ThinkingSplitter.closeOpenedReasoning("a<think>\n"))).isFalse();
    }

    /** The pieces a real tokenizer decodes, one token at a time, with the tags spread over several tokens. */
    @Test
    void realTokenPiecesSplitTheTags() {
        String answer = "<think>\nThe cat sat.\nSo it is happy.\n</think>\n\nThe cat was happy.";
        List<String> pieces = tokenPieces(answer);
        assertThat(pieces).doesNotContain("<think>", "</think>"); // the tags really are cut
        assertStreamsTo(pieces, "The cat sat.\nSo it is happy.", "The cat was happy.");
    }

    /** {@code answer} as stories260K's tokenizer decodes it, one token at a time. */
    static List<String> tokenPieces(String answer) {
        try (ModelTokenizer tokenizer = ModelTokenizer.load(
                SharedData.require("models/stories260K/tokenizer.json"), true, 1)) {
            IncrementalDecoder decoder = tokenizer.newIncrementalDecoder();
            List<String> pieces = new ArrayList<>();
            for (int id : tokenizer.encodeRaw(answer)) {
                pieces.add(decoder.push(id));
            }
            pieces.add(decoder.flush());
            assertThat(String.join("", pieces)).isEqualTo(answer);
            return pieces;
        }
    }

    /** Qwen3 calls tools after its reasoning: the text left after </think> parses as the call. */
    @Test
    void toolCallAfterTheThinkingParses() {
        ToolSpecification weather = ToolSpecification.builder().name("get_weather")
                .parameters(JsonObjectSchema.builder().addStringProperty("city").required("city").build()).build();
        ThinkingSplitter split = ThinkingSplitter.split("<think>\nI need the weather tool.\n</think>\n\n"
                + "<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\"}}\n</tool_call>");
        ParsedAnswer answer = ToolCallSyntax.hermes().parse(split.text(), List.of(weather));
        assertThat(split.thinking()).isEqualTo("I need the weather tool.");
        assertThat(answer.toolCalls()).singleElement().satisfies(call -> {
            assertThat(call.name()).isEqualTo("get_weather");
            assertThat(call.arguments()).isEqualTo("{\"city\":\"Paris\"}");
        });
        assertThat(answer.text()).isNull();
    }

    @Test
    void nothingIsTakenAfterTheEnd() {
        ThinkingSplitter splitter = ThinkingSplitter.split("x");
        assertThatThrownBy(() -> splitter.push("y")).isInstanceOf(IllegalStateException.class)
                .hasMessage("the answer is finished");
    }

    private static void assertStreamsTo(List<String> pieces, String thinking, String text) {
        assertStreamsTo(false, pieces, thinking, text);
    }

    private static void assertStreamsTo(boolean opened, List<String> pieces, String thinking, String text) {
        StringBuilder streamedThinking = new StringBuilder();
        StringBuilder streamedText = new StringBuilder();
        ThinkingSplitter splitter = new ThinkingSplitter(opened, piece -> {
            assertThat(piece).isNotEmpty();
            streamedThinking.append(piece);
        }, piece -> {
            assertThat(piece).isNotEmpty();
            streamedText.append(piece);
        });
        pieces.forEach(splitter::push);
        splitter.finish();
        assertThat(splitter.thinking()).as("thinking of %s", pieces).isEqualTo(thinking);
        assertThat(splitter.text()).as("text of %s", pieces).isEqualTo(text);
        assertThat(streamedThinking.toString()).isEqualTo(thinking == null ? "" : thinking);
        assertThat(streamedText.toString()).isEqualTo(text);
    }
}
