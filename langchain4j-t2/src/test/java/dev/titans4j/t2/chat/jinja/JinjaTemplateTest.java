package dev.titans4j.t2.chat.jinja;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.langchain4j.exception.UnsupportedFeatureException;
import java.io.IOException;
import java.io.InputStream;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The engine's jinja2 compatibility on the features chat templates use, against {@code jinja-snippets.json}
 * (rendered by jinja2 in {@code render_jinja_goldens.py}), and its one-line errors.
 */
class JinjaTemplateTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String REFUSAL = "the model's chat template cannot be rendered by the Java Jinja engine"
            + " (Jinjava): ";
    private static final String REMEDY = "; if the model follows a hand-written format, name it as \"chatFormat\" in"
            + " the export's manifest.json (smollm3, qwen3, chatml, llama3, mistral, gemma3, phi4-mini, phi3, plain)";

    static Stream<Arguments> snippets() throws IOException {
        JsonNode snippets = read("jinja-snippets.json");
        List<Arguments> cases = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = snippets.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            cases.add(Arguments.of(e.getKey(), e.getValue().get("template").asText(),
                    e.getValue().get("rendered").asText()));
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("snippets")
    void rendersLikeJinja2(String name, String template, String expected) throws IOException {
        JsonNode conversation = read("conversations.json").get("system_and_turns");
        Object messages = JSON.convertValue(conversation, Object.class);
        assertThat(new JinjaTemplate(template).render(Map.of("messages", messages))).isEqualTo(expected);
    }

    /** jinja2 prints a variable's value as it is; it never runs template code found inside the value. */
    @Test
    void templateCodeInMessageContentIsPrintedNotRun() {
        JinjaTemplate template = new JinjaTemplate("{% for m in messages %}[{{ m['content'] }}]{% endfor %}");
        String content = "{{ 7*7 }} {% if true %}yes{% endif %} {{ messages }} {{ raise_exception('boom') }}";
        assertThat(template.render(Map.of("messages", List.of(Map.of("role", "user", "content", content)))))
                .isEqualTo("[" + content + "]");
    }

    /** Control characters in content (form feeds, vertical tabs, file separators...) reach the prompt as they are. */
    @Test
    void controlCharactersArePrintedAsTheyAre() {
        String content = "a\u0000b\u0001\b\u000b\f\u001c\u001f\u007f\t\r\nz";
        JinjaTemplate template = new JinjaTemplate("{% for m in messages %}[{{ m['content'] }}|{{ '<' + m.content + '>' }}]"
                + "{% endfor %}");
        assertThat(template.render(Map.of("messages", List.of(Map.of("role", "user", "content", content)))))
                .isEqualTo("[" + content + "|<" + content + ">]");
    }

    /**
     * trim, strip(), lstrip(), rstrip() and split() use Python's whitespace: no-break spaces and U+0085 are
     * whitespace, control characters such as U+0001 are not. Expected: jinja2 3.1.6's rendering of this template.
     */
    @Test
    void whitespaceIsPythons() {
        String template = "[{{ c | trim }}][{{ c.strip() }}][{{ c.lstrip() }}][{{ c.rstrip() }}]"
                + "[{{ c.split() | join('|') }}]";
        assertThat(new JinjaTemplate(template).render(Map.of("c", "\u00a0\u0001a\u202fb\u0085\u3000 ")))
                .isEqualTo("[\u0001a\u202fb][\u0001a\u202fb][\u0001a\u202fb\u0085\u3000 ][\u00a0\u0001a\u202fb]"
                        + "[\u0001a|b]");
    }

    /** str.split's maxsplit, positional or named. Expected: jinja2 3.1.6's rendering of this template. */
    @Test
    void splitHonoursMaxsplit() {
        String template = "{{ c.split(':', 1) | join('|') }}/{{ c.split(':', 0) | join('|') }}/"
                + "{{ c.split(':', -1) | join('|') }}/{{ c.split(None, 1) | join('|') }}/"
                + "{{ c.split(maxsplit=1) | join('|') }}/{{ c.split(sep=':', maxsplit=1) | join('|') }}";
        assertThat(new JinjaTemplate(template).render(Map.of("c", " a:b c:d  e ")))
                .isEqualTo(" a|b c:d  e / a:b c:d  e / a|b c|d  e /a:b|c:d  e /a:b|c:d  e / a|b c:d  e ");
    }

    /** jinja2 3.1's items filter (tool parameter loops in newer templates). Expected: jinja2 3.1.6's rendering. */
    @Test
    void itemsFilterListsTheDictsPairs() {
        Map<String, Object> d = new java.util.LinkedHashMap<>();
        d.put("a", 1);
        d.put("b", List.of(1, 2));
        assertThat(new JinjaTemplate("{% for k, v in d | items %}{{ k }}={{ v }};{% endfor %}{{ d | items | list"
                + " | length }}").render(Map.of("d", d))).isEqualTo("a=1;b=[1, 2];2");
    }

    /**
     * A string is iterable in jinja2: Llama 3.1/3.2's templates write a tool result that "is mapping or is
     * iterable" through tojson, so a string result is quoted. Expected: jinja2 3.1.6's rendering.
     */
    @Test
    void stringsAreIterable() {
        assertThat(new JinjaTemplate("{{ 'ab' is iterable }}|{{ 1 is iterable }}|{{ none is iterable }}|"
                + "{{ d is iterable }}|{% if c is mapping or c is iterable %}{{ c | tojson }}{% endif %}")
                .render(Map.of("d", Map.of("a", 1), "c", "{\"t\": 21}")))
                .isEqualTo("true|false|false|true|\"{\\\"t\\\": 21}\"");
    }

    @Test
    void raiseExceptionRefusesTheConversationWithTheTemplatesMessage() {
        assertThatThrownBy(() -> new JinjaTemplate("{{ raise_exception('Roles must alternate') }}").render(Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the model's chat template refused the conversation: Roles must alternate");
    }

    @Test
    void whatJinjavaLacksIsRefusedInOneLine() {
        assertThatThrownBy(() -> new JinjaTemplate("{% for m in messages %}{% break %}{% endfor %}")
                .render(Map.of("messages", List.of(1))))
                .isInstanceOf(UnsupportedFeatureException.class)
                .hasMessage(REFUSAL + "Syntax error in '{% break %}': Unknown tag: break" + REMEDY);
        assertThatThrownBy(() -> new JinjaTemplate("{% generation %}x{% endgeneration %}").render(Map.of()))
                .isInstanceOf(UnsupportedFeatureException.class)
                .hasMessageStartingWith(REFUSAL).hasMessageNotContaining("\n");
        assertThatThrownBy(() -> new JinjaTemplate("{{ 'a' ").render(Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("chat template: the tag opened at character 0 ({{ 'a' ...) is never closed");
        assertThatThrownBy(() -> new JinjaTemplate(" ")).hasMessage("chat template is empty");
    }

    /**
     * transformers passes strftime_now and raise_exception as variables, so "is defined" holds for them: Llama 3.2's
     * template dates its system turn today only when strftime_now is defined, and falls back to "26 Jul 2024".
     */
    @Test
    void theTemplateFunctionsAreDefined() {
        String template = "{% if strftime_now is defined %}{{ strftime_now('%Y') }}{% else %}26 Jul 2024{% endif %}"
                + "|{{ raise_exception is defined }}";
        assertThat(new JinjaTemplate(template).render(Map.of()))
                .isEqualTo(LocalDateTime.now().getYear() + "|true");
    }

    /** jinja2 refuses a template with a filter or test it does not know; Jinjava would print nothing instead. */
    @Test
    void unknownFiltersAndTestsAreRefused() {
        assertThatThrownBy(() -> new JinjaTemplate("{{ [1, 2] | max }}").render(Map.of()))
                .isInstanceOf(UnsupportedFeatureException.class)
                .hasMessage(REFUSAL + "no filter 'max'" + REMEDY);
        assertThatThrownBy(() -> new JinjaTemplate("{% if x is not callable %}{% endif %}").render(Map.of()))
                .isInstanceOf(UnsupportedFeatureException.class)
                .hasMessage(REFUSAL + "no test 'callable'" + REMEDY);
        // names inside string literals are text, not filters
        assertThat(new JinjaTemplate("{{ '<|im_start|>' + 'this is max' }}").render(Map.of()))
                .isEqualTo("<|im_start|>this is max");
    }

    @Test
    void strftimeNowFormatsAsPython() {
        LocalDateTime t = LocalDateTime.of(2024, 7, 6, 9, 5, 3);
        assertThat(TemplateFunctions.strftime(t, "%d %b %Y|%B %A %a|%H:%M:%S %y-%m %j %%"))
                .isEqualTo("06 Jul 2024|July Saturday Sat|09:05:03 24-07 188 %");
        assertThatThrownBy(() -> TemplateFunctions.strftime(t, "%Q"))
                .hasMessage("strftime_now: format code %Q is not supported");
    }

    private static JsonNode read(String name) throws IOException {
        try (InputStream in = JinjaTemplateTest.class.getResourceAsStream("/chat-templates/" + name)) {
            if (in == null) {
                throw new IllegalStateException("test resource chat-templates/" + name + " is missing");
            }
            return JSON.readTree(in);
        }
    }
}
