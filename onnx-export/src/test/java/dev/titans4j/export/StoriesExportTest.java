package dev.titans4j.export;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.titans4j.export.manifest.ModelManifest;
import dev.titans4j.export.testing.SharedData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The real stories260K checkpoint, exported and decoded greedily through ONNX Runtime with the shared KV buffer,
 * reproduces the token ids of llama2.c's independent C implementation exactly ({@code no_bos_stop_generated_ids}:
 * the continuation a Hugging Face greedy generate produces).
 */
class StoriesExportTest {

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"models/stories260K", "models/stories260K-untied"})
    void greedyDecodingReproducesLlama2c(String model) throws Exception {
        Path hf = SharedData.require(model);
        Path out = dir.resolve("export");
        ExportResult result = OnnxExporter.builder().build().export(hf, out);

        ModelManifest manifest = ModelManifest.read(out);
        assertThat(manifest.chatFormat()).isEqualTo(ChatFormat.PLAIN);
        assertThat(manifest.tokens().bosTokenId()).isEqualTo(1);
        assertThat(manifest.tokens().eosTokenIds()).containsExactly(2);
        assertThat(manifest.dimensions().contextLength()).isEqualTo(512);
        assertThat(manifest.svf().enabled()).isTrue();
        assertThat(manifest.svf().matrices()).hasSize(15);
        assertThat(out.resolve("tokenizer.json")).hasSameBinaryContentAs(hf.resolve("tokenizer.json"));
        assertThat(out.resolve("tokenizer_config.json")).exists();
        assertThat(result.parameters()).isBetween(250_000L, 300_000L);

        JsonNode reference = new ObjectMapper().readTree(Files.readAllBytes(
                SharedData.require("models/stories260K").resolve("reference_outputs.json")));
        Iterator<Map.Entry<String, JsonNode>> cases = reference.fields();
        int checked = 0;
        while (cases.hasNext()) {
            Map.Entry<String, JsonNode> c = cases.next();
            if (c.getKey().startsWith("_")) {
                continue;
            }
            int[] prompt = ints(c.getValue().get("prompt_ids"));
            int[] expected = ints(c.getValue().get("no_bos_stop_generated_ids"));
            try (OrtDecoder decoder = new OrtDecoder(out, manifest.dimensions().contextLength(), 1)) {
                int[] generated = decoder.greedy(prompt, expected.length);
                assertThat(generated).as(c.getKey()).containsExactly(expected);
            }
            checked++;
        }
        assertThat(checked).isGreaterThanOrEqualTo(2);
    }

    static int[] ints(JsonNode array) {
        return StreamSupport.stream(array.spliterator(), false).mapToInt(JsonNode::asInt).toArray();
    }
}
