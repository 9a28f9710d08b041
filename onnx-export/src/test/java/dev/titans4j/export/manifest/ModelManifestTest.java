package dev.titans4j.export.manifest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.titans4j.export.OnnxExporter;
import dev.titans4j.export.testing.TinyCheckpoint;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
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
    void aVersionGivenAsAStringIsRefusedNotConverted() throws Exception {
        Path out = exported();
        Path file = edit(out, node -> node.put("manifestVersion", "1"));
        assertThatThrownBy(() -> ModelManifest.read(out)).isInstanceOf(ModelManifest.InvalidManifestException.class)
                .hasMessage(file + ": 'manifestVersion' must be a whole number, got \"1\" (a string)");

        edit(out, node -> node.remove("manifestVersion"));
        assertThatThrownBy(() -> ModelManifest.read(out))
                .hasMessage(file + ": missing field 'manifestVersion'");
    }

    @Test
    void typeErrorsNameTheFieldWhatItMustBeAndWhatItIs() throws Exception {
        Path out = exported();
        Path file = out.resolve(ModelManifest.FILE_NAME);
        ObjectNode original = (ObjectNode) json.readTree(file.toFile());
        record Case(String path, Object value, String message) {
        }
        for (Case c : List.of(
                new Case("dimensions.hiddenSize", "64", "'dimensions.hiddenSize' must be a whole number, got \"64\" (a string)"),
                new Case("dimensions.vocabSize", 64.5, "'dimensions.vocabSize' must be a whole number, got 64.5"),
                new Case("dimensions.ropeTheta", "1e4", "'dimensions.ropeTheta' must be a number, got \"1e4\" (a string)"),
                new Case("kvCache.sharedBuffer", "yes", "'kvCache.sharedBuffer' must be true or false, got \"yes\" (a string)"),
                new Case("precision", "int8", "'precision' must be one of fp32, fp16, int4, got \"int8\" (a string)"),
                new Case("architecture", 5, "'architecture' must be a string, got 5"),
                new Case("tokens.eosTokenIds", 2, "'tokens.eosTokenIds' must be a list, got 2"),
                new Case("dimensions", "big", "'dimensions' must be an object, got \"big\" (a string)"))) {
            ObjectNode node = original.deepCopy();
            String[] parts = c.path().split("\\.");
            ObjectNode parent = parts.length == 1 ? node : (ObjectNode) node.get(parts[0]);
            parent.set(parts[parts.length - 1], json.valueToTree(c.value()));
            json.writeValue(file.toFile(), node);
            assertThatThrownBy(() -> ModelManifest.read(out)).as(c.path())
                    .isInstanceOf(ModelManifest.InvalidManifestException.class)
                    .hasMessage(file + ": " + c.message());
        }
    }

    @Test
    void tokenIdsOutsideTheVocabularyAndEmptyDimensionsAreRefused() throws Exception {
        Path out = exported(); // vocabulary of 64
        Path file = edit(out, node -> ((ObjectNode) node.get("tokens")).putArray("eosTokenIds").add(2).add(99999));
        assertThatThrownBy(() -> ModelManifest.read(out)).hasMessage(file
                + ": 'tokens.eosTokenIds[1]' is 99999, outside the vocabulary (0..63, dimensions.vocabSize 64)");

        edit(out, node -> {
            ((ObjectNode) node.get("tokens")).putArray("eosTokenIds").add(2);
            ((ObjectNode) node.get("tokens")).put("bosTokenId", -1);
        });
        assertThatThrownBy(() -> ModelManifest.read(out)).hasMessage(file
                + ": 'tokens.bosTokenId' is -1, outside the vocabulary (0..63, dimensions.vocabSize 64)");

        edit(out, node -> {
            ((ObjectNode) node.get("tokens")).put("bosTokenId", 1);
            ((ObjectNode) node.get("dimensions")).remove("numLayers");
        });
        assertThatThrownBy(() -> ModelManifest.read(out))
                .hasMessage(file + ": 'dimensions.numLayers' must be positive, got 0");
    }

    @Test
    void fileDigestsNameOnlyFilesInTheFolderWithWellFormedValues() throws Exception {
        Path out = exported();
        Path file = edit(out, node -> ((ObjectNode) node.get("fileDigests")).putObject("../secret")
                .put("size", 1).put("crc32c", "00000000"));
        assertThatThrownBy(() -> ModelManifest.read(out))
                .hasMessage(file + ": 'fileDigests.../secret' is not a file name in the model folder");

        edit(out, node -> {
            ((ObjectNode) node.get("fileDigests")).remove("../secret");
            ((ObjectNode) node.get("fileDigests").get("model.onnx")).put("crc32c", "XYZ");
        });
        assertThatThrownBy(() -> ModelManifest.read(out)).hasMessage(file
                + ": 'fileDigests.model.onnx.crc32c' must be 8 lower-case hex digits, got 'XYZ'");

        edit(out, node -> ((ObjectNode) node.get("fileDigests").get("model.onnx")).put("size", "12"));
        assertThatThrownBy(() -> ModelManifest.read(out)).hasMessage(file
                + ": 'fileDigests.model.onnx.size' must be a whole number, got \"12\" (a string)");
    }

    /** The files the runtime opens are named by the manifest too: each must be a file of the folder, like digests. */
    @Test
    void fileNamesPointOnlyIntoTheFolder() throws Exception {
        Path out = exported();
        for (String[] field : new String[][] {{"files", "model"}, {"files", "tokenizer"}, {"files", "externalData"},
            {"files", "tokenizerConfig"}, {"files", "generationConfig"}}) {
            for (String name : new String[] {"../other/model.onnx", out.resolve("model.onnx").toString(), ".."}) {
                JsonNode before = json.readTree(out.resolve(ModelManifest.FILE_NAME).toFile()).get(field[0])
                        .get(field[1]);
                Path file = edit(out, node -> ((ObjectNode) node.get(field[0])).put(field[1], name));
                assertThatThrownBy(() -> ModelManifest.read(out)).as(field[1] + " = " + name)
                        .hasMessage(file + ": '" + field[0] + "." + field[1] + "' is '" + name
                                + "', not a file name in the model folder");
                edit(out, node -> ((ObjectNode) node.get(field[0])).set(field[1], before));
            }
        }
        Path file = edit(out, node -> node.putObject("plainCompanion").put("model", "/tmp/plain.onnx"));
        assertThatThrownBy(() -> ModelManifest.read(out)).hasMessage(file
                + ": 'plainCompanion.model' is '/tmp/plain.onnx', not a file name in the model folder");
        edit(out, node -> {
            node.remove("plainCompanion");
            ((ObjectNode) node.get("svf")).put("enabled", true).put("file", "../svf.safetensors");
        });
        assertThatThrownBy(() -> ModelManifest.read(out))
                .hasMessage(file + ": 'svf.file' is '../svf.safetensors', not a file name in the model folder");
    }

    /** Inside the folder is inside it: a sub-folder (an "onnx/" layout) and names with dots and underscores. */
    @Test
    void fileNamesInsideTheFolderAreAccepted() throws Exception {
        Path out = exported();
        edit(out, node -> {
            ((ObjectNode) node.get("files")).put("model", "onnx/model.onnx").put("externalData", "onnx/model.onnx_data")
                    .put("tokenizer", "tokenizer.v2.json");
            ((ObjectNode) node.get("fileDigests")).set("onnx/model.onnx", node.get("fileDigests").get("model.onnx"));
        });
        ModelManifest manifest = ModelManifest.read(out);
        assertThat(manifest.files().model()).isEqualTo("onnx/model.onnx");
        assertThat(manifest.files().externalData()).isEqualTo("onnx/model.onnx_data");
        assertThat(manifest.files().tokenizer()).isEqualTo("tokenizer.v2.json");

        for (String name : new String[] {"onnx/../../model.onnx", "onnx//model.onnx", "onnx/", "./model.onnx"}) {
            Path file = edit(out, node -> ((ObjectNode) node.get("files")).put("model", name));
            assertThatThrownBy(() -> ModelManifest.read(out)).as(name).hasMessage(file + ": 'files.model' is '"
                    + name + "', not a file name in the model folder");
        }
    }

    /** Rewrites the exported manifest after {@code change}; returns its path. */
    private Path edit(Path out, Consumer<ObjectNode> change) throws Exception {
        Path file = out.resolve(ModelManifest.FILE_NAME);
        ObjectNode node = (ObjectNode) json.readTree(file.toFile());
        change.accept(node);
        json.writeValue(file.toFile(), node);
        return file;
    }

    @Test
    void missingManifestSaysHowToExport() throws Exception {
        Path empty = Files.createDirectories(dir.resolve("empty"));
        assertThatThrownBy(() -> ModelManifest.read(empty)).hasMessageContaining("not found")
                .hasMessageContaining("titans4j export");
    }

    /** Phi-3 longrope's switch: only a run that takes a cache filled at or below the bound past it recomputes. */
    @Test
    void recomputeBeyondIsOptionalPositiveAndDecidesWhichRunsRecompute() throws Exception {
        ModelManifest.KvCache kv = new ModelManifest.KvCache("float32", "BNSH", true, 16);
        assertThat(kv.mustRecompute(10, 6)).isFalse(); // 16 tokens: still short
        assertThat(kv.mustRecompute(16, 1)).isTrue(); // the 17th token switches to the long table
        assertThat(kv.mustRecompute(10, 7)).isTrue();
        assertThat(kv.mustRecompute(0, 20)).isFalse(); // a first run already longer uses the long table throughout
        assertThat(kv.mustRecompute(17, 1)).isFalse(); // recomputed (or long) already
        assertThat(new ModelManifest.KvCache("float32", "BNSH", true).mustRecompute(16, 1)).isFalse();

        Path out = exported();
        Path file = out.resolve(ModelManifest.FILE_NAME);
        assertThat(json.readTree(file.toFile()).get("kvCache").has("recomputeBeyond")).isFalse();
        ObjectNode node = (ObjectNode) json.readTree(file.toFile());
        ((ObjectNode) node.get("kvCache")).put("recomputeBeyond", 0);
        json.writeValue(file.toFile(), node);
        assertThatThrownBy(() -> ModelManifest.read(out))
                .hasMessageEndingWith("manifest.json: kvCache.recomputeBeyond must be positive, found 0");
    }
}
