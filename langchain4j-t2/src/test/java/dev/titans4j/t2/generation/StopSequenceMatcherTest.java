package dev.titans4j.t2.generation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class StopSequenceMatcherTest {

    @Test
    void holdsBackAPossibleStopAndDropsIt() {
        StopSequenceMatcher m = new StopSequenceMatcher(List.of("\nUser:"));
        assertThat(m.push("Hello")).isEqualTo("Hello");
        assertThat(m.push(" there\nUs")).isEqualTo(" there");
        assertThat(m.push("er")).isEmpty();
        assertThat(m.push(": more")).isEmpty();
        assertThat(m.stopped()).isTrue();
        assertThat(m.matchedStopSequence()).hasValue("\nUser:");
        assertThat(m.push("ignored")).isEmpty();
        assertThat(m.flush()).isEmpty();
    }

    @Test
    void releasesHeldTextThatTurnsOutNotToBeAStop() {
        StopSequenceMatcher m = new StopSequenceMatcher(List.of("STOP"));
        assertThat(m.push("ST")).isEmpty();
        assertThat(m.push("OOP")).isEqualTo("STOOP");
        assertThat(m.push("S")).isEmpty();
        assertThat(m.flush()).isEqualTo("S");
        assertThat(m.stopped()).isFalse();
    }

    @Test
    void firstCompletedStopWinsWhateverThePieces() {
        StopSequenceMatcher m = new StopSequenceMatcher(List.of("abcd", "bc"));
        assertThat(m.push("xabcd")).isEqualTo("xa");
        assertThat(m.matchedStopSequence()).hasValue("bc");
        StopSequenceMatcher n = new StopSequenceMatcher(List.of("world", "lo w"));
        assertThat(n.push("hello world")).isEqualTo("hel");
        StopSequenceMatcher o = new StopSequenceMatcher(List.of("c", "abc"));
        assertThat(o.push("xabc")).isEqualTo("x"); // both end at 'c': the longest
        assertThat(o.matchedStopSequence()).hasValue("abc");
    }

    @Test
    void noStopsPassesEverythingThrough() {
        StopSequenceMatcher m = new StopSequenceMatcher(List.of());
        assertThat(m.push("abc")).isEqualTo("abc");
        assertThat(m.flush()).isEmpty();
    }

    @Test
    void emptyOrNullStopSequencesAreRejected() {
        assertThatThrownBy(() -> new StopSequenceMatcher(List.of("ok", ""))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("non-empty");
        assertThatThrownBy(() -> new StopSequenceMatcher(Arrays.asList("ok", null)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    /** Any split of any text: emitted text is the text up to the first stop (or all of it), never more, never less. */
    @Test
    void randomTextsAndSplits() {
        Random random = new Random(17);
        String alphabet = "ab\n😀";
        for (int trial = 0; trial < 5000; trial++) {
            List<String> stops = new ArrayList<>();
            for (int s = 0; s < 1 + random.nextInt(3); s++) {
                stops.add(randomString(random, alphabet, 1 + random.nextInt(4)));
            }
            String text = randomString(random, alphabet, random.nextInt(25));
            int first = -1; // reference: read the text one character at a time; stop when a stop is complete
            for (int end = 1; end <= text.length() && first < 0; end++) {
                for (String stop : stops) {
                    if (end >= stop.length() && text.startsWith(stop, end - stop.length())
                            && (first < 0 || end - stop.length() < first)) {
                        first = end - stop.length();
                    }
                }
            }
            String expected = first < 0 ? text : text.substring(0, first);

            StopSequenceMatcher m = new StopSequenceMatcher(stops);
            StringBuilder emitted = new StringBuilder();
            int pos = 0;
            while (pos < text.length()) {
                int end = Math.min(text.length(), pos + 1 + random.nextInt(5));
                if (Character.isHighSurrogate(text.charAt(end - 1)) && end < text.length()) {
                    end++; // pieces come from a detokenizer: whole characters
                }
                String out = m.push(text.substring(pos, end));
                emitted.append(out);
                assertThat(expected).as("emitted too much; stops %s text %s", stops, text).startsWith(emitted);
                pos = end;
            }
            emitted.append(m.flush());
            assertThat(emitted.toString()).as("stops %s text %s", stops, text).isEqualTo(expected);
            assertThat(m.stopped()).isEqualTo(first >= 0);
        }
    }

    private static String randomString(Random random, String alphabet, int codePoints) {
        int[] cps = alphabet.codePoints().toArray();
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < codePoints; i++) {
            sb.appendCodePoint(cps[random.nextInt(cps.length)]);
        }
        return sb.toString();
    }
}
