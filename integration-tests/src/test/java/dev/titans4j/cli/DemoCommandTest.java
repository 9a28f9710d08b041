package dev.titans4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.titans4j.demo.DemoQuestion;
import dev.titans4j.demo.DemoScript;
import dev.titans4j.demo.ScriptMessage;
import dev.titans4j.t2.OnnxChatEngine;
import dev.titans4j.t2.engine.EngineOptions;
import dev.titans4j.t2.svf.RescaleRule;
import dev.titans4j.t2.svf.SvfAdapter;
import dev.titans4j.t2.svf.SvfExpert;
import dev.titans4j.t2.svf.SvfExpertFile;
import dev.titans4j.t2.svf.ValueKind;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code titans4j demo}: the shipped conversation on the real encoder, persistence, the model path, bad input. */
class DemoCommandTest {

    private static final Pattern SCORE = Pattern.compile("titans (\\d+)/(\\d+), window (\\d+)/(\\d+)");

    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();
    private final ByteArrayOutputStream progress = new ByteArrayOutputStream();

    private int demo(String... args) {
        CommandLine cli = new CommandLine(new DemoCommand(new PrintStream(progress, true, StandardCharsets.UTF_8)));
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }

    @Test
    void theShippedConversationShowsRecallWithProvenanceAgainstTheWindow() {
        assertThat(demo()).as(err.toString()).isZero();

        String text = out.toString();
        DemoScript script = DemoScript.loadDefault();
        for (DemoQuestion q : script.questions()) {
            ScriptMessage evidence = script.evidence(q);
            assertThat(text).contains(q.question()).contains("said in session " + evidence.session()
                    + ", message #" + evidence.index() + ", user");
        }
        Matcher score = SCORE.matcher(text);
        assertThat(score.find()).as(text).isTrue();
        int titans = Integer.parseInt(score.group(1));
        assertThat(score.group(2)).isEqualTo("10");
        assertThat(Integer.parseInt(score.group(3))).as("every answer left the window long ago").isZero();
        assertThat(titans).as("Titans recalls most answers").isGreaterThanOrEqualTo(6);
        assertThat(count(text, "titans: answer recalled, rank ")).as("the score adds up the questions")
                .isEqualTo(titans);
        // every recalled line shown names its message and session, the answer's line is marked
        assertThat(count(text, "\n         > #")).isEqualTo(titans);
        assertThat(progress.toString(StandardCharsets.UTF_8)).contains("writing the conversation")
                .contains(script.messages().size() + "/" + script.messages().size() + " messages");
    }

    @Test
    void aStateDirKeepsTheMemoryForTheNextRun() throws IOException {
        Path conversation = smallConversation();
        Path state = dir.resolve("state");
        assertThat(demo("--conversation", conversation.toString(), "--state-dir", state.toString(), "--window", "4"))
                .as(err.toString()).isZero();
        String first = out.toString();
        out.getBuffer().setLength(0);

        assertThat(demo("--conversation", conversation.toString(), "--state-dir", state.toString(), "--window", "4"))
                .as(err.toString()).isZero();
        String second = out.toString();
        assertThat(first).contains("Ingested 30 messages");
        assertThat(second).contains("restored from " + state).doesNotContain("Ingested");
        assertThat(questions(second)).as("the same recall from the restored memory").isEqualTo(questions(first))
                .contains("titans: answer recalled");
        try (var files = Files.list(state)) {
            assertThat(files.count()).isPositive();
        }
    }

    @Test
    void aStateDirHoldingAnotherOrAnUnfinishedConversationIsRefusedNotReportedAsRestored() throws IOException {
        Path conversation = smallConversation();
        Path state = dir.resolve("state");
        assertThat(demo("--conversation", conversation.toString(), "--state-dir", state.toString(), "--window", "4",
                "--quiet")).as(err.toString()).isZero();
        out.getBuffer().setLength(0);

        // the shipped conversation's recall would be scored against the small one's messages
        assertThat(demo("--state-dir", state.toString(), "--quiet")).isEqualTo(1);
        assertThat(err.toString()).startsWith("error: the Titans memory in the state folder holds another "
                + "conversation or an unfinished one (message #0 differs); use an empty --state-dir");
        assertThat(err.toString().lines()).hasSize(1);
        assertThat(out.toString()).doesNotContain("restored from");

        // the state holds the first 30 of this script's 31 messages, as an ingest cut short (Ctrl-C) leaves it
        List<String> lines = Files.readAllLines(conversation);
        Path longer = Files.write(dir.resolve("longer.txt"), lines.stream()
                .map(l -> l.startsWith("== questions") ? "user: One more thing: the lake froze.\n" + l : l).toList());
        err.getBuffer().setLength(0);
        assertThat(demo("--conversation", longer.toString(), "--state-dir", state.toString(), "--window", "4",
                "--quiet")).isEqualTo(1);
        assertThat(err.toString()).startsWith("error: the Titans memory in the state folder holds another "
                + "conversation or an unfinished one (message #30 is missing); use an empty --state-dir");
    }

    @Test
    void withAModelAndExpertsTheModelAnswersThroughAiServices() throws IOException {
        Path model = ExportedStories.export(dir);
        writeExpert(model, model.resolve(ExpertFiles.FOLDER).resolve("wild.safetensors"));

        int exit = demo("--conversation", smallConversation().toString(), "--model", model.toString(),
                "--max-tokens", "12", "--quiet");

        assertThat(exit).as(err.toString()).isZero();
        String text = out.toString();
        assertThat(text).contains("through AiServices and a Transformer² dispatcher over 1 expert(s)")
                .contains("3/3 questions answered by the model.");
        assertThat(count(text, "       model: ")).isEqualTo(3);
        assertThat(count(text, "       recalled into the prompt: ")).isEqualTo(3);
        assertThat(count(text, "       Transformer²: '")).isEqualTo(3);
        assertThat(err.toString()).as("the window was sized to stories260K's 512-token context")
                .contains("note: sized for the model's 512-token context");
        assertThat(progress.size()).as("--quiet").isZero();
    }

    @Test
    void badInputIsReportedInOneLine() throws IOException {
        assertThat(demo("--experts", "x.safetensors")).isEqualTo(1);
        assertThat(err.toString()).contains("error: --experts needs --model");

        Path broken = Files.writeString(dir.resolve("broken.txt"), "== session 1 | today\nbob: hi\n");
        err.getBuffer().setLength(0);
        assertThat(demo("--conversation", broken.toString())).isEqualTo(1);
        assertThat(err.toString()).contains("error: " + broken + ":2: cannot read 'bob: hi'");

        err.getBuffer().setLength(0);
        assertThat(demo("--conversation", dir.resolve("none.txt").toString())).isEqualTo(1);
        assertThat(err.toString()).contains("error: conversation file " + dir.resolve("none.txt") + " does not exist");

        Path binary = Files.write(dir.resolve("binary.txt"), new byte[] {'u', 's', (byte) 0xC3, 0x28, 0, (byte) 0xFF});
        err.getBuffer().setLength(0);
        assertThat(demo("--conversation", binary.toString())).isEqualTo(1);
        assertThat(err.toString()).isEqualTo("error: could not read " + binary + ": not UTF-8 text (a binary file?)"
                + System.lineSeparator());

        err.getBuffer().setLength(0);
        assertThat(demo("--state-dir", broken.toString())).isEqualTo(1);
        assertThat(err.toString()).isEqualTo("error: --state-dir: memory state directory " + broken
                + " is a file, not a directory" + System.lineSeparator());

        err.getBuffer().setLength(0);
        assertThat(demo("--model", dir.resolve("missing").toString())).isEqualTo(1);
        assertThat(err.toString()).contains("does not exist");
        assertThat(out.toString()).as("nothing ran").isEmpty();
    }

    @Test
    void aStateDirWithADamagedLogIsOneLineNotAStackTrace() throws IOException {
        Path conversation = smallConversation();
        Path state = dir.resolve("state");
        assertThat(demo("--conversation", conversation.toString(), "--state-dir", state.toString(), "--window", "4"))
                .as(err.toString()).isZero();
        Path log;
        try (var files = Files.list(state)) {
            log = files.filter(f -> f.getFileName().toString().endsWith(".log")).findFirst().orElseThrow();
        }
        byte[] bytes = Files.readAllBytes(log);
        for (int i = bytes.length / 2; i < bytes.length / 2 + 64; i++) {
            bytes[i] ^= 0x55; // a bad sector, a bad copy
        }
        Files.write(log, bytes);
        out.getBuffer().setLength(0);

        assertThat(demo("--conversation", conversation.toString(), "--state-dir", state.toString(), "--window", "4"))
                .isEqualTo(1);
        assertThat(err.toString()).startsWith("error: --state-dir: memory log " + log + " has a damaged record")
                .endsWith("; start over with an empty --state-dir" + System.lineSeparator()).hasLineCount(1);
    }

    @Test
    void aFolderGivenWhereAFileBelongsIsCalledAFolderNotMissing() throws IOException {
        Path folder = Files.createDirectories(dir.resolve("a-folder"));
        assertThat(demo("--conversation", folder.toString())).isEqualTo(1);
        assertThat(err.toString()).isEqualTo("error: conversation file " + folder + " is a folder, not a file"
                + System.lineSeparator());

        Path model = ExportedStories.export(dir);
        err.getBuffer().setLength(0);
        assertThat(demo("--model", model.toString(), "--experts", folder.toString())).isEqualTo(1);
        assertThat(err.toString()).isEqualTo("error: expert file " + folder + " is a folder, not a file"
                + System.lineSeparator());
    }

    /** 30 messages in two sessions, three facts in the first. */
    private Path smallConversation() throws IOException {
        List<String> lines = new ArrayList<>(List.of("== session 1 | Monday",
                "user [sister]: My sister Marta moved to Porto last week.", "ai: Lovely, I hope she settles in.",
                "user [dog]: We adopted a beagle called Pretzel.", "ai: Beagles are great family dogs.",
                "user [code]: The bike shed code is 4721.", "ai: Noted, ask me when you forget it."));
        String[] chatter = {"The weather is grey today.", "Work was busy with the billing migration.",
                "We had soup for dinner.", "My running shoes are worn out.", "The train was late again.",
                "I started a new novel.", "The garden needs weeding.", "Our neighbour fixed the tap.",
                "The kids have a school play soon.", "I bought new winter tyres.", "Coffee tastes better at home.",
                "We watched a documentary about volcanoes."};
        lines.add("== session 2 | Friday");
        for (String c : chatter) {
            lines.add("user: " + c);
            lines.add("ai: I see. Tell me more about that.");
        }
        lines.addAll(List.of("== questions", "[sister] Which city did my sister move to? => Porto",
                "[dog] What is our dog called? => Pretzel", "[code] What is the code of the bike shed? => 4721"));
        return Files.write(dir.resolve("conversation.txt"), lines);
    }

    private static void writeExpert(Path model, Path file) {
        try (OnnxChatEngine engine = OnnxChatEngine.load(model, EngineOptions.defaults().withIntraOpThreads(1))) {
            SvfAdapter adapter = SvfAdapter.forEngine(engine);
            Map<String, float[]> values = new LinkedHashMap<>();
            adapter.singularValues().matrices().forEach((weight, m) -> {
                float[] z = new float[m.rank()];
                for (int i = 0; i < z.length; i++) {
                    z[i] = 1 + 0.5f * (float) Math.sin(i + weight.length());
                }
                values.put(weight, z);
            });
            SvfExpertFile.write(new SvfExpert("wild", ValueKind.Z, RescaleRule.SUM_PRESERVING,
                    adapter.singularValues().identity(), values), file);
        }
    }

    /** The question sections of the output (from the first question to the score). */
    private static String questions(String text) {
        return text.substring(text.indexOf("[1/"), text.indexOf("Score:"));
    }

    private static int count(String text, String needle) {
        int n = 0;
        for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
            n++;
        }
        return n;
    }
}
