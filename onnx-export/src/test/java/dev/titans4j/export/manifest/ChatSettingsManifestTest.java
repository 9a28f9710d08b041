package dev.titans4j.export.manifest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.titans4j.export.OnnxExporter;
import dev.titans4j.export.hf.ChatSettings;
import dev.titans4j.export.hf.ModelConfig;
import dev.titans4j.export.hf.ModelConfigException;
import dev.titans4j.export.testing.TinyCheckpoint;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Manifest version 2 records the chat and generation settings; version 1 manifests still read. */
class ChatSettingsManifestTest {

    /** Gemma's turn markup: no hand-written format recognises it. */
    static final String UNRECOGNISED = "{{ bos_token }}{% for m in messages %}<|turn|>{{ m['role'] }}\n"
            + "{{ m['content'] | trim }}<|/turn|>\n{% endfor %}";

    @TempDir
    Path dir;

    private final ObjectMapper json = new ObjectMapper();

    private Path hf(String tokenizerConfig, String generationConfig) throws Exception {
        Path hf = TinyCheckpoint.llama().write(dir.resolve("hf"));
        Files.writeString(hf.resolve("tokenizer_config.json"), tokenizerConfig);
        ObjectNode generation = (ObjectNode) json.readTree(hf.resolve("generation_config.json").toFile());
        generation.setAll((ObjectNode) json.readTree(generationConfig));
        json.writeValue(hf.resolve("generation_config.json").toFile(), generation);
        return hf;
    }

    private Path export(Path hf) throws Exception {
        Path out = dir.resolve("out");
        OnnxExporter.builder().build().export(hf, out);
        return out;
    }

    @Test
    void theExportRecordsTheTemplateTokensAndSamplingDefaults() throws Exception {
        String config = json.createObjectNode().put("chat_template", UNRECOGNISED)
                .put("eos_token", "</s>").set("bos_token", json.createObjectNode()
                        .put("__type", "AddedToken").put("content", "<s>")).toString();
        Path out = export(hf(config, "{\"do_sample\": true, \"temperature\": 0.7, \"top_p\": 0.8, \"top_k\": 20,"
                + " \"repetition_penalty\": 1.05, \"max_new_tokens\": 256}"));

        ModelManifest m = ModelManifest.read(out);
        assertThat(m.manifestVersion()).isEqualTo(2);
        assertThat(m.hasChatSettings()).isTrue();
        assertThat(m.chatFormat()).isEqualTo("jinja");
        assertThat(m.chat()).isEqualTo(new ModelManifest.Chat(UNRECOGNISED, "<s>", "</s>", null));
        assertThat(m.generation()).isEqualTo(new ModelManifest.Generation(true, 0.7, 0.8, 20, null, 1.05, 256));
    }

    @Test
    void aChatMlTemplatesFixedSystemTurnIsRecordedAsTheDefaultSystemPrompt() throws Exception {
        String template = "{% if messages[0]['role'] != 'system' %}{{ '<|im_start|>system\\nYou are Qwen.<|im_end|>"
                + "\\n' }}{% endif %}{% for m in messages %}{{ '<|im_start|>' + m['role'] }}{% endfor %}";
        Path out = export(hf(json.createObjectNode().put("chat_template", template).toString(), "{}"));

        ModelManifest m = ModelManifest.read(out);
        assertThat(m.chatFormat()).isEqualTo("chatml");
        assertThat(m.chat()).isEqualTo(new ModelManifest.Chat(template, null, null, "You are Qwen."));
        assertThat(m.generation()).isEqualTo(new ModelManifest.Generation(false, null, null, null, null, null, null));
    }

    @Test
    void aVersion1ManifestWithoutChatSettingsStillReads() throws Exception {
        Path out = export(hf("{}", "{}"));
        edit(out, node -> {
            node.put("manifestVersion", 1);
            node.remove(List.of("chat", "generation"));
        });
        ModelManifest m = ModelManifest.read(out);
        assertThat(m.hasChatSettings()).isFalse();
        assertThat(m.chat()).isNull();
        assertThat(m.chatFormat()).isEqualTo("plain");
    }

    @Test
    void version2WithoutChatSettingsAndUnknownVersionsAreRefused() throws Exception {
        Path out = export(hf("{}", "{}"));
        Path file = out.resolve(ModelManifest.FILE_NAME);
        edit(out, node -> node.remove("generation"));
        assertThatThrownBy(() -> ModelManifest.read(out)).isInstanceOf(ModelManifest.InvalidManifestException.class)
                .hasMessage(file + ": missing field 'generation' (required from manifest version 2)");

        edit(out, node -> node.put("manifestVersion", 3));
        assertThatThrownBy(() -> ModelManifest.read(out)).hasMessage(file + ": manifest version 3 is not supported"
                + " by this runtime (supported: [1, 2]); re-export the model with a matching titans4j version");
    }

    @Test
    void malformedSpecialTokensAndSamplingValuesNameTheFileAndKey() throws Exception {
        Path folder = Files.createDirectories(dir.resolve("bad"));
        Files.writeString(folder.resolve("tokenizer_config.json"), "{\"bos_token\": 5}");
        assertThatThrownBy(() -> ChatSettings.chat(folder)).isInstanceOf(ModelConfigException.class)
                .hasMessage("tokenizer_config.json: 'bos_token' must be a string or an object with 'content',"
                        + " found 5");
        Files.writeString(folder.resolve("generation_config.json"), "{\"temperature\": \"hot\"}");
        assertThatThrownBy(() -> ChatSettings.generation(folder))
                .hasMessage("generation_config.json: 'temperature' must be a number, found \"hot\"");
    }

    @Test
    void chatSettingsAreReadWithTheConfigSoTheirErrorsStopTheExportBeforeItWrites() throws Exception {
        Path hf = hf("{\"eos_token\": [1]}", "{\"top_k\": 2.5}");
        String message = "tokenizer_config.json: 'eos_token' must be a string or an object with 'content', found [1]";
        assertThatThrownBy(() -> ModelConfig.load(hf)).isInstanceOf(ModelConfigException.class).hasMessage(message);
        assertThatThrownBy(() -> export(hf)).hasMessage(message);
        assertThat(dir.resolve("out")).doesNotExist();

        Files.writeString(hf.resolve("tokenizer_config.json"), "{\"eos_token\": \"</s>\"}");
        assertThatThrownBy(() -> ModelConfig.load(hf))
                .hasMessage("generation_config.json: 'top_k' must be an integer, found 2.5");
    }

    private void edit(Path out, java.util.function.Consumer<ObjectNode> change) throws IOException {
        Path file = out.resolve(ModelManifest.FILE_NAME);
        ObjectNode node = (ObjectNode) json.readTree(file.toFile());
        change.accept(node);
        json.writeValue(file.toFile(), node);
    }
}
