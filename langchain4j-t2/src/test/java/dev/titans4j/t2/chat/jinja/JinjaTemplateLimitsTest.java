package dev.titans4j.t2.chat.jinja;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;

/**
 * A chat template comes with the model folder: one that would run for hours, fill the heap or overflow the stack is
 * refused with one IllegalArgumentException, quickly, and ordinary templates are unaffected.
 */
class JinjaTemplateLimitsTest {

    private static final Map<String, Object> EMPTY = Map.of("messages", List.of());

    private static void refused(String template, String reason) {
        Assertions.assertTimeoutPreemptively(Duration.ofSeconds(20), () ->
                assertThatThrownBy(() -> new JinjaTemplate(template).render(EMPTY))
                        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(reason));
    }

    @Test
    void nested_loops_over_ranges_stop_at_a_budget() {
        refused("{% for a in range(1000) %}{% for b in range(1000) %}{% for c in range(1000) %}{% endfor %}"
                + "{% endfor %}{% endfor %}", "range");
    }

    @Test
    void huge_output_stops_at_a_length_limit() {
        refused("{% for a in range(1000) %}{% for b in range(2) %}{{ 'x'|center(10000) }}{% endfor %}{% endfor %}",
                "characters");
    }

    @Test
    void deeply_nested_expressions_and_blocks_are_refused_before_rendering() {
        refused("{{ " + "(".repeat(1000) + "1" + ")".repeat(1000) + " }}", "nests");
        refused("{{ " + "[".repeat(3000) + "1" + "]".repeat(3000) + " }}", "nests");
        refused("{% if true %}".repeat(5000) + "x" + "{% endif %}".repeat(5000), "nests");
    }

    @Test
    void a_closing_tag_inside_a_string_does_not_hide_the_nesting_after_it() {
        refused("{{ '}}' ~ " + "(".repeat(1000) + "1" + ")".repeat(1000) + " }}", "nests");
    }

    @Test
    void ordinary_nesting_loops_and_brackets_in_strings_still_render() {
        String template = "{% for m in messages %}{% if m['role'] == 'user' %}{{ '[INST] ' + m['content'] }}"
                + "{% elif ((m['role'] == 'assistant')) %}{{ '[TOOL_CALLS] [' }}{% endif %}{% endfor %}"
                + "{% for i in range(3) %}{% for j in range(300) %}{% endfor %}{{ i }}{% endfor %}";
        String out = new JinjaTemplate(template).render(Map.of("messages", List.of(
                Map.of("role", "user", "content", "hi"), Map.of("role", "assistant", "content", "x"))));
        assertThat(out).isEqualTo("[INST] hi[TOOL_CALLS] [012");
    }
}
