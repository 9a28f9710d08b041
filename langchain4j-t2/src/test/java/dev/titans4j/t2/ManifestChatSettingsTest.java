package dev.titans4j.t2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.langchain4j.data.message.UserMessage;
import dev.titans4j.export.OnnxExporter;
import dev.titans4j.export.manifest.ModelManifest;
import dev.titans4j.export.testing.TinyCheckpoint;
import dev.titans4j.t2.chat.ChatFormats;
import dev.titans4j.t2.chat.ChatMlFormat;
import dev.titans4j.t2.chat.JinjaChatFormat;
import dev.titans4j.t2.engine.EngineOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The runtime takes the chat format and sampling defaults from the manifest (version 2) without reading the
 * Hugging Face files, and from the copied files for version 1 manifests, which keep loading.
 */
class ManifestChatSettingsTest {

    private static final String UNRECOGNISED = "{{ bos_token }}{% for m in messages %}<|turn|>{{ m['role'] }}\n"
            + "{{ m['content'] | trim }}<|/turn|>\n{% endfor %}";

    @TempDir
    Path dir;

    private final ObjectMapper json = new ObjectMapper();

    /** A version 2 manifest in a folder holding nothing else: whatever the runtime finds came from the manifest. */
    private static ModelManifest v2(String chatFormat, ModelManifest.Chat chat, ModelManifest.Generation generation) {
        return new ModelManifest(ModelManifest.FORMAT, 2, "test", "LlamaForCausalLM", "llama", "test",
                ModelManifest.Precision.fp32, null, new ModelManifest.Tokens(1, List.of(2), null, true), chatFormat,
                new ModelManifest.Files("model.onnx", null, "tokenizer.json", "tokenizer_config.json",
                        "generation_config.json"),
                null, null, null, null, null, null, null, chat, generation);
    }

    @Test
    void chatFormatAndSamplingComeFromTheManifestAlone() {
        ModelManifest jinja = v2("jinja", new ModelManifest.Chat(UNRECOGNISED, "<s>", "</s>", null),
                new ModelManifest.Generation(true, 0.7, null, 20, null, 1.05, 256));
        assertThat(ChatFormats.forManifest(jinja, dir)).isInstanceOfSatisfying(JinjaChatFormat.class, f -> {
            assertThat(f.render(List.of(UserMessage.from(" Hi ")), false))
                    .isEqualTo("<s><|turn|>user\nHi<|/turn|>\n");
            assertThat(f.stopStrings()).containsExactly("</s>");
            assertThat(f.prependBos()).isFalse();
        });
        OnnxChatRequestParameters defaults = GenerationDefaults.forManifest(jinja, dir);
        assertThat(defaults.temperature()).isEqualTo(0.7);
        assertThat(defaults.topP()).isEqualTo(1.0);
        assertThat(defaults.topK()).isEqualTo(20);
        assertThat(defaults.repetitionPenalty()).isEqualTo(1.05);
        assertThat(defaults.maxOutputTokens()).isEqualTo(256);

        // the recorded default system prompt, not one re-derived from the template
        ModelManifest chatml = v2("chatml", new ModelManifest.Chat("{{ '<|im_start|>' }}", null, null, "Be brief."),
                new ModelManifest.Generation(false, 0.7, null, null, null, null, null));
        assertThat(ChatFormats.forManifest(chatml, dir)).isInstanceOfSatisfying(ChatMlFormat.class,
                f -> assertThat(f.defaultSystemPrompt()).hasValue("Be brief."));
        assertThat(GenerationDefaults.forManifest(chatml, dir).temperature()).isZero();
    }

    @Test
    void aJinjaFormatWithoutATemplateAsksForAReExport() {
        ModelManifest m = v2("jinja", new ModelManifest.Chat(null, null, null, null),
                new ModelManifest.Generation(false, null, null, null, null, null, null));
        assertThatThrownBy(() -> ChatFormats.forManifest(m, dir)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage(dir.resolve("manifest.json") + ": chat format 'jinja' but no chat template is recorded;"
                        + " re-export the model (titans4j export --input HF_DIR --output DIR)");
    }

    @Test
    void anExportWithAnUnrecognisedTemplateChatsThroughItAndSoDoesItsVersion1Manifest() throws Exception {
        Path hf = TinyCheckpoint.llama().headDim(16).write(dir.resolve("hf"));
        Files.writeString(hf.resolve("tokenizer_config.json"), json.createObjectNode()
                .put("chat_template", UNRECOGNISED).put("bos_token", "<s>").put("eos_token", "</s>").toString());
        ObjectNode generation = (ObjectNode) json.readTree(hf.resolve("generation_config.json").toFile());
        json.writeValue(hf.resolve("generation_config.json").toFile(),
                generation.put("do_sample", true).put("temperature", 0.6));
        Path out = dir.resolve("out");
        OnnxExporter.builder().build().export(hf, out);

        int[] prompt;
        try (OnnxChatEngine engine = OnnxChatEngine.load(out, EngineOptions.defaults().withIntraOpThreads(1))) {
            assertThat(engine.chatFormat()).isInstanceOf(JinjaChatFormat.class);
            assertThat(engine.modelDefaults().temperature()).isEqualTo(0.6);
            prompt = engine.promptIds(List.of(UserMessage.from("Hi")));
            assertThat(prompt).isNotEmpty();
        }

        // as the exporter wrote it before version 2: no chat settings, and "plain" for a template it did not know
        Path file = out.resolve(ModelManifest.FILE_NAME);
        ObjectNode node = (ObjectNode) json.readTree(file.toFile());
        node.put("manifestVersion", 1).put("chatFormat", "plain").remove(List.of("chat", "generation"));
        json.writeValue(file.toFile(), node);
        try (OnnxChatEngine engine = OnnxChatEngine.load(out, EngineOptions.defaults().withIntraOpThreads(1))) {
            assertThat(engine.chatFormat()).isInstanceOf(JinjaChatFormat.class);
            assertThat(engine.modelDefaults().temperature()).isEqualTo(0.6);
            assertThat(engine.promptIds(List.of(UserMessage.from("Hi")))).isEqualTo(prompt);
        }
    }
}
