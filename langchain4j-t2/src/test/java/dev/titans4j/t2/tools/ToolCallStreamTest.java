package dev.titans4j.t2.tools;

import static dev.titans4j.t2.tools.ToolPromptGoldenTest.TOOLS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.model.chat.response.CompleteToolCall;
import dev.langchain4j.model.chat.response.PartialToolCall;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The streamed split of answers into text and tool-call events, for every way the text may be chunked. */
class ToolCallStreamTest {

    /** Records events as strings, in order. */
    static final class Recorder implements ToolCallStream.Events {
        final List<String> events = new ArrayList<>();
        final StringBuilder text = new StringBuilder();

        @Override
        public void text(String piece) {
            text.append(piece);
            events.add("text");
        }

        @Override
        public void partialToolCall(PartialToolCall call) {
            events.add("partial " + call.index() + " " + call.name() + " " + call.partialArguments());
        }

        @Override
        public void completeToolCall(CompleteToolCall call) {
            events.add("complete " + call.index() + " " + call.toolExecutionRequest().name() + " "
                    + call.toolExecutionRequest().arguments());
        }
    }

    private static Recorder stream(ToolCallSyntax syntax, String answer, int chunk, List<String> textOut,
                                   ParsedAnswer[] parsed) {
        Recorder r = new Recorder();
        ToolCallStream s = syntax.newStream(TOOLS, r);
        for (int i = 0; i < answer.length(); i += chunk) {
            s.push(answer.substring(i, Math.min(answer.length(), i + chunk)));
        }
        parsed[0] = s.finish();
        textOut.add(r.text.toString());
        return r;
    }

    @Test
    void hermes_markup_never_reaches_the_text_and_calls_come_in_order_for_any_chunking() {
        String answer = "Checking.\n<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\"}}\n"
                + "</tool_call>\n<tool_call>\n{\"name\": \"current_time\", \"arguments\": {}}\n</tool_call>";
        for (int chunk = 1; chunk <= answer.length(); chunk++) {
            List<String> text = new ArrayList<>();
            ParsedAnswer[] parsed = new ParsedAnswer[1];
            Recorder r = stream(ToolCallSyntax.hermes(), answer, chunk, text, parsed);
            assertThat(text.get(0)).as("chunk %d", chunk).isEqualTo("Checking.");
            assertThat(r.events.stream().filter(e -> !e.equals("text")).toList()).as("chunk %d", chunk).containsExactly(
                    "partial 0 get_weather {\"city\":\"Paris\"}", "complete 0 get_weather {\"city\":\"Paris\"}",
                    "partial 1 current_time {}", "complete 1 current_time {}");
            assertThat(parsed[0].text()).isEqualTo("Checking.");
            assertThat(parsed[0].toolCalls()).hasSize(2);
        }
    }

    @Test
    void the_first_call_is_reported_before_the_second_is_written() {
        Recorder r = new Recorder();
        ToolCallStream s = ToolCallSyntax.hermes().newStream(TOOLS, r);
        s.push("<tool_call>\n{\"name\": \"current_time\", \"arguments\": {}}\n</tool_call>\n<tool_ca");
        assertThat(r.events).containsExactly("partial 0 current_time {}", "complete 0 current_time {}");
    }

    @Test
    void plain_text_streams_through_whole_for_any_chunking() {
        String answer = "Once upon a time <tool was a cat.  \n";
        for (ToolCallSyntax syntax : List.of(ToolCallSyntax.hermes(), ToolCallSyntax.llama3(), ToolCallSyntax.mistral())) {
            for (int chunk = 1; chunk <= answer.length(); chunk++) {
                List<String> text = new ArrayList<>();
                ParsedAnswer[] parsed = new ParsedAnswer[1];
                stream(syntax, answer, chunk, text, parsed);
                assertThat(text.get(0)).as("%s chunk %d", syntax, chunk).isEqualTo(answer);
                assertThat(parsed[0].text()).isEqualTo(answer);
            }
        }
    }

    @Test
    void llama_and_mistral_calls_are_reported_at_the_end_and_nothing_leaks_as_text() {
        String llama = " {\"name\": \"get_weather\", \"parameters\": {\"city\": \"Oslo\"}}";
        String mistral = "[TOOL_CALLS] [{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Oslo\"}}]";
        for (int chunk = 1; chunk < 12; chunk++) {
            for (var c : List.of(new Object[] {ToolCallSyntax.llama3(), llama},
                    new Object[] {ToolCallSyntax.mistral(), mistral})) {
                List<String> text = new ArrayList<>();
                ParsedAnswer[] parsed = new ParsedAnswer[1];
                Recorder r = stream((ToolCallSyntax) c[0], (String) c[1], chunk, text, parsed);
                assertThat(text.get(0)).isEmpty();
                assertThat(r.events).containsExactly("partial 0 get_weather {\"city\":\"Oslo\"}",
                        "complete 0 get_weather {\"city\":\"Oslo\"}");
                assertThat(parsed[0].text()).isNull();
            }
        }
    }
}
