package dev.titans4j.export.manifest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.titans4j.export.OnnxExporter;
import dev.titans4j.export.testing.TinyCheckpoint;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelManifestTest {

    @TempDir
    Path dir;

    private final ObjectMapper json = new ObjectMapper();

    private Path exported() throws Exception {
        Path hf = TinyCheckpoint.mistral().slidingWindow(8).write(dir.resolve("hf"));
        Path out = dir.resolve("out");
        OnnxExporter.builder().build().export(hf, out);
        return out;
    }

    @Test
    void exportedManifestReadsBackWithTheGraphContract() throws Exception {
        ModelManifest m = ModelManifest.read(exported());
        assertThat(m.format()).isEqualTo(ModelManifest.FORMAT);
        assertThat(m.manifestVersion()).isEqualTo(ModelManifest.CURRENT_VERSION);
        assertThat(m.exporterVersion()).isEqualTo(OnnxExporter.VERSION);
        assertThat(m.architecture()).isEqualTo("MistralForCausalLM");
        assertThat(m.dimensions().slidingWindow()).isEqualTo(8);
        assertThat(m.inputs().pastKey(3)).isEqualTo("past_key_values.3.key");
        assertThat(m.outputs().presentValue(1)).isEqualTo("present.1.value");
        assertThat(m.outputs().hiddenStates()).isEqualTo("hidden_states");
        assertThat(m.kvCache().sharedBuffer()).isTrue();
        assertThat(m.svf().matrices()).hasSize(6).first().satisfies(s -> {
            assertThat(s.weight()).isEqualTo("model.layers.0.mlp.gate_proj.weight");
            assertThat(s.input()).isEqualTo("svf.model.layers.0.mlp.gate_proj");
            assertThat(s.rank()).isEqualTo(Math.min(s.rows(), s.cols()));
        });
    }

    @Test
    void int4BlockSizeIsRecordedOnlyForInt4AndOptionalWhenReading() throws Exception {
        Path fp32 = exported();
        assertThat(json.readTree(fp32.resolve(ModelManifest.FILE_NAME).toFile()).has("int4BlockSize")).isFalse();
        assertThat(ModelManifest.read(fp32).int4BlockSize()).isNull();

        Path hf = TinyCheckpoint.llama().headDim(16).write(dir.resolve("hf4"));
        Path int4 = dir.resolve("int4");
        OnnxExporter.builder().options(dev.titans4j.export.ExportOptions.builder()
                .precision(ModelManifest.Precision.int4).int4BlockSize(64).build()).build().export(hf, int4);
        Path file = int4.resolve(ModelManifest.FILE_NAME);
        ObjectNode node = (ObjectNode) json.readTree(file.toFile());
        assertThat(node.get("int4BlockSize").asInt()).isEqualTo(64);
        assertThat(ModelManifest.read(int4).int4BlockSize()).isEqualTo(64);

        // a manifest written before the field existed still reads
        node.remove("int4BlockSize");
        json.writeValue(file.toFile(), node);
        assertThat(ModelManifest.read(int4).int4BlockSize()).isNull();
        assertThat(ModelManifest.read(int4).precision()).isEqualTo(ModelManifest.Precision.int4);
    }

    @Test
    void refusesUnknownVersionAndFormat() throws Exception {
        Path out = exported();
        Path file = out.resolve(ModelManifest.FILE_NAME);
        ObjectNode node = (ObjectNode) json.readTree(file.toFile());
        node.put("manifestVersion", 99);
        json.writeValue(file.toFile(), node);
        assertThatThrownBy(() -> ModelManifest.read(out)).isInstanceOf(ModelManifest.InvalidManifestException.class)
                .hasMessageContaining("manifest version 99 is not supported");

        node.put("manifestVersion", ModelManifest.CURRENT_VERSION).put("format", "something-else");
        json.writeValue(file.toFile(), node);
        assertThatThrownBy(() -> ModelManifest.read(out)).hasMessageContaining("format is 'something-else'");
    }

    @Test
    void refusesIncompleteManifest() throws Exception {
        Path out = exported();
        Path file = out.resolve(ModelManifest.FILE_NAME);
        ObjectNode node = (ObjectNode) json.readTree(file.toFile());
        ((ObjectNode) node.get("kvCache")).put("dtype", "int8");
        json.writeValue(file.toFile(), node);
        assertThatThrownBy(() -> ModelManifest.read(out)).hasMessageContaining("kvCache.dtype 'int8'");

        node.remove("kvCache");
        json.writeValue(file.toFile(), node);
        assertThatThrownBy(() -> ModelManifest.read(out)).hasMessageContaining("missing field 'kvCache'");
    }

    @Test
    void missingManifestSaysHowToExport() throws Exception {
        Path empty = Files.createDirectories(dir.resolve("empty"));
        assertThatThrownBy(() -> ModelManifest.read(empty)).hasMessageContaining("not found")
                .hasMessageContaining("titans4j export");
    }
}
