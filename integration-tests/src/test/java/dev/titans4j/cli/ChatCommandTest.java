package dev.titans4j.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code titans4j chat} driven by piped input (stories260K has the plain chat format: turns are bare text). */
class ChatCommandTest {

    @TempDir
    static Path dir;
    static Path model;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @BeforeAll
    static void exportModel() {
        model = ExportedStories.export(dir);
    }

    private int chat(String input, String... args) {
        CommandLine cli = new CommandLine(new ChatCommand(
                new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8))));
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }

    /** The assistant's answers: the text after each prompt marker, one line each. */
    private List<String> answers() {
        return out.toString().lines().map(line -> line.startsWith(ChatCommand.PROMPT)
                ? line.substring(ChatCommand.PROMPT.length()) : line).filter(line -> !line.isEmpty()).toList();
    }

    private String generate(String prompt, int maxTokens) {
        StringWriter text = new StringWriter();
        CommandLine cli = Titans4jCli.commandLine();
        cli.setOut(new PrintWriter(text, true));
        cli.setErr(new PrintWriter(new StringWriter(), true));
        assertThat(cli.execute("generate", "--model", model.toString(), "--prompt", prompt, "--max-tokens",
                String.valueOf(maxTokens))).isZero();
        return text.toString().strip();
    }

    @Test
    void streamsAnswersInTheChatFormatAndEndsAtExit() {
        int exit = chat("Once upon a time\n/exit\nnever read\n", "--model", model.toString(), "--max-tokens", "12");

        assertThat(exit).as(err.toString()).isZero();
        // same model, same format, same greedy settings: the first turn is what 'generate' answers
        assertThat(answers()).containsExactly(generate("Once upon a time", 12));
        assertThat(out.toString()).doesNotContain("never");
    }

    @Test
    void aScriptSavedWithAByteOrderMarkReadsLikeOneWithout() {
        int exit = chat("\uFEFF/exit\nnever read\n", "--model", model.toString(), "--max-tokens", "12");

        assertThat(exit).as(err.toString()).isZero();
        assertThat(answers()).as("the first line is /exit, not a message").isEmpty();
    }

    @Test
    void laterTurnsSeeTheConversationAndResetForgetsIt() {
        int exit = chat("Once upon a time\nOnce upon a time\n/reset\nOnce upon a time\n", "--model",
                model.toString(), "--max-tokens", "12");

        assertThat(exit).as(err.toString()).isZero(); // end of input ends the chat like /exit
        List<String> answers = answers();
        assertThat(answers).hasSize(4);
        assertThat(answers.get(2)).isEqualTo("(conversation reset)");
        assertThat(answers.get(3)).isEqualTo(answers.get(0));
        assertThat(answers.get(1)).as("the second turn continues the story").isNotEqualTo(answers.get(0));
    }

    @Test
    void aTurnTooLongForTheContextIsReportedAndTheChatGoesOn() {
        int exit = chat("Lily ".repeat(600) + "\nOnce upon a time\n", "--model", model.toString(),
                "--max-tokens", "12");

        assertThat(exit).isZero();
        assertThat(err.toString()).contains("context holds 512 tokens");
        assertThat(answers()).containsExactly(generate("Once upon a time", 12));
    }

    @Test
    void outOfRangeSamplingIsExitOneBeforeAnyMessage() {
        assertThat(chat("Once upon a time\n", "--model", model.toString(), "--top-p", "1.5")).isEqualTo(1);
        assertThat(err.toString()).contains("topP must be in (0, 1]");
        assertThat(out.toString()).doesNotContain(ChatCommand.PROMPT);
    }

    @Test
    void aBlankSystemMessageIsNamedAsTheOptionItCameFrom() {
        assertThat(chat("Once upon a time\n", "--model", model.toString(), "--system", "")).isEqualTo(1);
        assertThat(err.toString()).isEqualTo("error: --system is blank: give the system message, or leave the"
                + " option out" + System.lineSeparator());
        assertThat(out.toString()).doesNotContain(ChatCommand.PROMPT);
    }

    @Test
    void endlessBinaryInputWithoutLineBreaksIsRefusedAsSoonAsItShows() {
        assertThat(assertTimeoutPreemptively(Duration.ofSeconds(60), () -> chatOn(endless('\0'))))
                .as(err.toString()).isEqualTo(1);
        assertThat(err.toString()).isEqualTo("error: standard input is binary, not text: chat reads one message"
                + " per line" + System.lineSeparator());
    }

    @Test
    void aLineLongerThanAnyMessageEndsTheChatInOneLineInsteadOfFillingTheHeap() {
        assertThat(assertTimeoutPreemptively(Duration.ofSeconds(60), () -> chatOn(endless('a'))))
                .as(err.toString()).isEqualTo(1);
        assertThat(err.toString()).isEqualTo("error: a line of standard input is longer than "
                + ChatCommand.MAX_LINE_CHARS + " characters: chat reads one message per line"
                + System.lineSeparator());
    }

    private int chatOn(InputStream input) {
        CommandLine cli = new CommandLine(new ChatCommand(input));
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute("--model", model.toString(), "--max-tokens", "4");
    }

    /** {@code b} forever, as {@code < /dev/zero} gives zeros. */
    private static InputStream endless(char b) {
        return new InputStream() {
            @Override
            public int read() {
                return b;
            }

            @Override
            public int read(byte[] buffer, int off, int len) {
                Arrays.fill(buffer, off, off + len, (byte) b);
                return len;
            }
        };
    }

    @Test
    void missingModelIsExitOne() {
        assertThat(chat("", "--model", dir.resolve("absent").toString())).isEqualTo(1);
        assertThat(err.toString()).contains("does not exist");
    }

    @Test
    void inputThatIsNotTextEndsTheChatWithOneLine() {
        CommandLine cli = new CommandLine(new ChatCommand(new ByteArrayInputStream(
                new byte[] {'h', 'i', (byte) 0xC3, 0x28, '\n'})));
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        assertThat(cli.execute("--model", model.toString())).isEqualTo(1);
        assertThat(err.toString()).isEqualTo("error: could not read standard input: not UTF-8 text (a binary file?)"
                + System.lineSeparator());

        err.getBuffer().setLength(0);
        assertThat(chat("line one\nimage\0data\n", "--model", model.toString(), "--max-tokens", "3")).isEqualTo(1);
        assertThat(err.toString()).isEqualTo("error: standard input is binary, not text: chat reads one message per"
                + " line" + System.lineSeparator());
    }
}
