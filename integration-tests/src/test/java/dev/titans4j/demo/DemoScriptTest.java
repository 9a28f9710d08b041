package dev.titans4j.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DemoScriptTest {

    @Test
    void theShippedConversationIsLongWithEveryAnswerPlantedEarlyByTheUser() {
        DemoScript script = DemoScript.loadDefault();

        assertThat(script.sessions()).hasSize(6);
        assertThat(script.messages()).hasSizeGreaterThanOrEqualTo(240);
        assertThat(script.questions()).hasSize(10);
        for (DemoQuestion q : script.questions()) {
            ScriptMessage evidence = script.evidence(q);
            assertThat(evidence.session()).as(q.key()).isLessThanOrEqualTo(2);
            assertThat(evidence.fromUser()).as(q.key()).isTrue();
            assertThat(script.messages().size() - evidence.index()).as("answer far behind the end: " + q.key())
                    .isGreaterThan(150);
        }
        for (int i = 0; i < script.messages().size(); i++) {
            ScriptMessage m = script.messages().get(i);
            assertThat(m.index()).isEqualTo(i);
            assertThat(m.fromUser()).as("user and assistant alternate at #" + i).isEqualTo(i % 2 == 0);
        }
    }

    @Test
    void aFileSavedWithAByteOrderMarkLoadsLikeOneWithout(@TempDir Path dir) throws IOException {
        String script = "== session 1 | Monday\nuser [pet]: I have a cat.\nai: Nice.\n== questions\n"
                + "[pet] What pet do I have? => a cat\n";
        Path plain = Files.writeString(dir.resolve("plain.txt"), script);
        Path marked = Files.writeString(dir.resolve("notepad.txt"), "\uFEFF" + script); // as Windows editors save

        assertThat(DemoScript.load(marked).messages()).isEqualTo(DemoScript.load(plain).messages());
    }

    @Test
    void parsesSessionsKeysAndQuestions() {
        DemoScript script = DemoScript.parse(List.of("# comment", "== session 1 | Monday", "user [pet]: I have a cat.",
                "ai: Nice.", "", "== session 2 | Tuesday", "user: Hello again.", "== questions",
                "[pet] What pet do I have? => a cat"), "test");

        assertThat(script.messages()).extracting(ScriptMessage::text)
                .containsExactly("I have a cat.", "Nice.", "Hello again.");
        assertThat(script.evidence(script.questions().get(0))).isEqualTo(
                new ScriptMessage(0, 1, true, "I have a cat.", "pet"));
        assertThat(script.questions().get(0)).isEqualTo(new DemoQuestion("pet", "What pet do I have?", "a cat"));
        assertThat(script.sessionOf(2)).isEqualTo(2);
        assertThat(script.sessionOf(3)).as("after the script").isZero();
    }

    @Test
    void malformedScriptsNameTheLine() {
        assertThatThrownBy(() -> DemoScript.parse(List.of("user: hi"), "f.txt"))
                .hasMessage("f.txt:1: a message before the first '== session' header");
        assertThatThrownBy(() -> DemoScript.parse(List.of("== session 1 | x", "bob: hi"), "f.txt"))
                .hasMessageStartingWith("f.txt:2: cannot read 'bob: hi'");
        assertThatThrownBy(() -> DemoScript.parse(List.of("== session 2 | x"), "f.txt"))
                .hasMessage("f.txt:1: expected session 1, found session 2");
        assertThatThrownBy(() -> DemoScript.parse(List.of("== session 1 | x", "user [a]: one", "user [a]: two"),
                "f.txt")).hasMessage("f.txt:3: key [a] marks a second message");
        assertThatThrownBy(() -> DemoScript.parse(List.of("== session 1 | x", "user: one", "== questions",
                "[b] Where? => here"), "f.txt")).hasMessageContaining("no message is marked [b]");
    }
}
