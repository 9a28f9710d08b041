package dev.titans4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.titans4j.export.manifest.ModelManifest;
import dev.titans4j.t2.OnnxChatModel;
import dev.titans4j.t2.OnnxChatRequestParameters;
import dev.titans4j.t2.tokenizer.ModelTokenizer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/**
 * README's CLI walk ({@code export}, {@code verify}, {@code generate}, {@code chat}) on the random-weight fixtures of
 * the newer families that onnx-export made with the real transformers ({@code hf-fixtures}, read from that module's
 * folder; skipped when absent): the ids {@code generate --raw --ids} prints are transformers' greedy ids, and a
 * checkpoint whose {@code tokenizer_config.json} carries Qwen3's real chat template exports with the qwen3 chat
 * format, chats, and prompts exactly the jinja2 rendering of that template with thinking on and off.
 */
class FamilyFixturesCliTest {

    private static final Path FIXTURES = Path.of("../onnx-export/src/test/resources/hf-fixtures");
    private static final Path TEMPLATES = Path.of("../langchain4j-t2/src/test/resources/chat-templates");
    private static final String PROMPT = "Once upon a time";

    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        out.getBuffer().setLength(0);
        err.getBuffer().setLength(0);
        CommandLine cli = Titans4jCli.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }

    private static Path fixture(String name) {
        Path folder = FIXTURES.resolve(name);
        Assumptions.assumeTrue(Files.isRegularFile(folder.resolve("expected.json")),
                "hf-fixtures not found at " + FIXTURES.toAbsolutePath().normalize() + ": skipped");
        return folder;
    }

    /** Exports {@code input} with the CLI and checks it with {@code verify}. */
    private Path exportAndVerify(Path input, String name) {
        Path model = dir.resolve(name);
        assertThat(run("export", "--input", input.toString(), "--output", model.toString()))
                .as(err.toString()).isZero();
        assertThat(run("verify", model.toString())).as(out + err.toString()).isZero();
        assertThat(out.toString()).contains("verified 7 files");
        return model;
    }

    @ParameterizedTest
    @ValueSource(strings = {"qwen3-tied-hd16", "smollm3-tied-interval", "gemma3-hub-tied"})
    void exportVerifyAndGenerateGiveTransformersGreedyIds(String name) throws IOException {
        Path fixture = fixture(name);
        List<Integer> expected = greedyIdsOf(fixture, PROMPT);
        Path model = exportAndVerify(fixture, name);

        int exit = run("generate", "--model", model.toString(), "--prompt", PROMPT, "--raw", "--ids",
                "--max-tokens", String.valueOf(expected.size()), "--threads", "1");

        assertThat(exit).as(err.toString()).isZero();
        assertThat(Arrays.stream(out.toString().strip().split(" ")).map(Integer::valueOf).toList())
                .isEqualTo(expected);
    }

    @Test
    void phi3LongropeExportsVerifiesAndGeneratesPastTheSwitch() throws IOException {
        Path model = exportAndVerify(fixture("phi3-longrope-mini"), "phi3");
        int switchAt = ModelManifest.read(model).kvCache().recomputeBeyond();

        // 5 prompt tokens + 16 generated: the sequence crosses original_max_position_embeddings (16)
        int exit = run("generate", "--model", model.toString(), "--prompt", PROMPT, "--raw", "--ids",
                "--max-tokens", "16", "--threads", "1");

        assertThat(exit).as(err.toString()).isZero();
        assertThat(switchAt).isEqualTo(16);
        assertThat(out.toString().strip().split(" ")).hasSize(16);
    }

    @Test
    void aQwen3TemplateGivesTheQwen3FormatWithThinkingOnAndOff() throws IOException {
        Path checkpoint = dir.resolve("qwen3-with-template");
        Files.createDirectories(checkpoint);
        try (Stream<Path> files = Files.list(fixture("qwen3-tied-hd16"))) {
            for (Path file : files.toList()) {
                Files.copy(file, checkpoint.resolve(file.getFileName()));
            }
        }
        ObjectMapper json = new ObjectMapper();
        ObjectNode config = (ObjectNode) json.readTree(checkpoint.resolve("tokenizer_config.json").toFile());
        config.put("chat_template", Files.readString(TEMPLATES.resolve("qwen3.jinja")));
        json.writeValue(checkpoint.resolve("tokenizer_config.json").toFile(), config);

        Path model = exportAndVerify(checkpoint, "qwen3-chat");
        ModelManifest manifest = ModelManifest.read(model);
        assertThat(manifest.chatFormat()).isEqualTo("qwen3");

        CommandLine chat = new CommandLine(new ChatCommand(
                new ByteArrayInputStream("Hello!\n/exit\n".getBytes(StandardCharsets.UTF_8))));
        StringWriter chatOut = new StringWriter();
        chat.setOut(new PrintWriter(chatOut, true));
        chat.setErr(new PrintWriter(err, true));
        assertThat(chat.execute("--model", model.toString(), "--max-tokens", "8", "--threads", "1"))
                .as(err.toString()).isZero();
        assertThat(run("generate", "--model", model.toString(), "--prompt", "Hello!", "--max-tokens", "8",
                "--threads", "1")).as(err.toString()).isZero();
        String answer = out.toString().strip();
        assertThat(answer).isNotEmpty();
        // same model, format and greedy settings: the one turn answers what 'generate' does
        String transcript = chatOut.toString();
        assertThat(transcript).startsWith(ChatCommand.PROMPT);
        assertThat(transcript.substring(ChatCommand.PROMPT.length(), transcript.lastIndexOf(ChatCommand.PROMPT))
                .strip()).isEqualTo(answer);

        // --thinking off renders enable_thinking=false in both commands: chat answers what generate does
        CommandLine noThinking = new CommandLine(new ChatCommand(
                new ByteArrayInputStream("Hello!\n/exit\n".getBytes(StandardCharsets.UTF_8))));
        StringWriter noThinkingOut = new StringWriter();
        noThinking.setOut(new PrintWriter(noThinkingOut, true));
        noThinking.setErr(new PrintWriter(err, true));
        assertThat(noThinking.execute("--model", model.toString(), "--max-tokens", "8", "--threads", "1",
                "--thinking", "off", "--show-thinking")).as(err.toString()).isZero();
        assertThat(run("generate", "--model", model.toString(), "--prompt", "Hello!", "--max-tokens", "8",
                "--threads", "1", "--thinking", "off")).as(err.toString()).isZero();
        String noThinkingAnswer = out.toString().strip();
        String noThinkingTranscript = noThinkingOut.toString();
        assertThat(noThinkingTranscript.substring(ChatCommand.PROMPT.length(),
                noThinkingTranscript.lastIndexOf(ChatCommand.PROMPT)).strip()).isEqualTo(noThinkingAnswer);
        assertThat(run("generate", "--model", model.toString(), "--prompt", "Hello!", "--raw", "--thinking", "off"))
                .isEqualTo(1);
        assertThat(err.toString().strip()).isEqualTo("error: --thinking needs the chat format; leave out --raw");
        assertThat(run("generate", "--model", model.toString(), "--prompt", "Hello!", "--thinking", "maybe"))
                .isEqualTo(2);
        assertThat(err.toString()).contains("'maybe' is not a thinking switch: on or off");

        // the prompt the model reads is transformers' rendering (jinja2 goldens), tokenized without BOS as
        // apply_chat_template does: thinking on and, with enable_thinking=false, the empty think block
        JsonNode goldens = json.readTree(TEMPLATES.resolve("goldens.json").toFile()).get("qwen3");
        try (OnnxChatModel chatModel = OnnxChatModel.builder().modelPath(model).threads(1).maxOutputTokens(2).build();
             ModelTokenizer tokenizer = ModelTokenizer.load(model, manifest)) {
            assertThat(promptTokens(chatModel, true))
                    .isEqualTo(tokenizer.encodeRaw(goldens.get("single_user|gen").asText()).length);
            assertThat(promptTokens(chatModel, false))
                    .isEqualTo(tokenizer.encodeRaw(goldens.get("single_user|gen|nothink").asText()).length);
        }
    }

    private static int promptTokens(OnnxChatModel model, boolean thinking) {
        ChatResponse response = model.chat(ChatRequest.builder().messages(UserMessage.from("Hello!"))
                .parameters(OnnxChatRequestParameters.builder().enableThinking(thinking).build()).build());
        return response.tokenUsage().inputTokenCount();
    }

    private static List<Integer> greedyIdsOf(Path fixture, String text) throws IOException {
        for (JsonNode c : new ObjectMapper().readTree(fixture.resolve("expected.json").toFile()).get("cases")) {
            if (c.get("text").asText().equals(text)) {
                List<Integer> ids = new ArrayList<>();
                c.get("greedy_ids").forEach(id -> ids.add(id.asInt()));
                return ids;
            }
        }
        throw new IllegalStateException(fixture + "/expected.json has no case '" + text + "'");
    }
}
