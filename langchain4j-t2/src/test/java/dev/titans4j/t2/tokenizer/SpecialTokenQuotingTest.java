package dev.titans4j.t2.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SpecialTokenQuotingTest {

    private static final char Q = SpecialTokenQuoting.QUOTE;

    @Test
    void theLongestSpecialStringAtAPositionIsQuotedWhole() {
        SpecialTokenQuoting quoting = new SpecialTokenQuoting(List.of("<|a|>", "<|a|>b", "<|", "x"));
        assertThat(quoting.quote("<|a|>bc <|a|> <| y")).isEqualTo(Q + "<|a|>bc " + Q + "<|a|> " + Q + "<| y");
        assertThat(quoting.split("m<|a|>b" + Q + "<|a|>b").text()).isEqualTo("m<|a|>b<|a|>b");
        String plain = "no specials <here>";
        assertThat(quoting.quote(plain)).isSameAs(plain);
    }

    /** In JSON arguments, the quote goes before a special string also where escapes spell it, in keys too. */
    @Test
    void argumentsAreQuotedWhereTheirEscapesSpellASpecialString() {
        SpecialTokenQuoting quoting = new SpecialTokenQuoting(List.of("<|a|>"));
        String arguments = "{\"\\u003c|a|>\": \"x\\n<|a|>\", \"m\": \"\\ufdd0\", \"e\": \"\\\"<|a|>\"}";
        assertThat(quoting.quoteArguments(arguments)).isEqualTo("{\"" + Q + "\\u003c|a|>\": \"x\\n" + Q
                + "<|a|>\", \"m\": \"\uFFFD\", \"e\": \"\\\"" + Q + "<|a|>\"}");
        String plain = "{\"n\": \"a\\nb <|a\"}";
        assertThat(quoting.quoteArguments(plain)).isSameAs(plain);
    }

    /**
     * Every request quotes its whole history: text full of '<' must not be compared with each of thousands of
     * special strings (Gemma's vocabulary reserves thousands of {@code <unusedN>} tokens) at every '<'.
     */
    @Test
    void quotingCostDoesNotGrowWithTheNumberOfSpecialStrings() {
        List<String> specials = new ArrayList<>();
        for (int i = 0; i < 6000; i++) {
            specials.add("<unused" + i + ">");
        }
        SpecialTokenQuoting quoting = new SpecialTokenQuoting(specials);
        String html = "<div class=\"x\">text ".repeat(5000);
        long best = Long.MAX_VALUE;
        for (int run = 0; run < 5; run++) {
            long start = System.nanoTime();
            assertThat(quoting.quote(html)).isSameAs(html);
            best = Math.min(best, System.nanoTime() - start);
        }
        assertThat(best / 1_000_000).as("milliseconds to quote 100,000 characters").isLessThan(30);
    }
}
