package dev.titans4j.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.titans4j.export.manifest.ModelManifest;
import dev.titans4j.export.manifest.ModelManifest.Precision;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import dev.titans4j.export.testing.TinyCheckpoint;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The plain companion {@code model-plain.onnx}: the {@code --no-svf} graph written next to the SVF graph. */
class PlainCompanionTest {

    @TempDir
    Path dir;

    private final int[] tokens = new Random(11).ints(7, 0, 64).toArray();

    @ParameterizedTest
    @EnumSource(value = Precision.class, names = {"fp32", "int4"})
    void companionIsTheNoSvfGraphAndGivesItsLogits(Precision precision) throws Exception {
        Path hf = TinyCheckpoint.llama().headDim(16).write(dir.resolve("hf"));
        Path svf = dir.resolve("svf");
        Path noSvf = dir.resolve("no-svf");
        OnnxExporter.builder().options(ExportOptions.builder().precision(precision).build()).build().export(hf, svf);
        OnnxExporter.builder().options(ExportOptions.builder().precision(precision).svf(false).build()).build()
                .export(hf, noSvf);

        ModelManifest m = ModelManifest.read(svf);
        assertThat(m.plainCompanion().model()).isEqualTo(OnnxExporter.PLAIN_MODEL_FILE);
        assertThat(m.plainCompanion().externalData()).isNull();
        // top level, not inside files: runtimes that predate the companion ignore it and load model.onnx
        JsonNode json = new ObjectMapper().readTree(svf.resolve(ModelManifest.FILE_NAME).toFile());
        assertThat(json.path("plainCompanion").path("model").asText()).isEqualTo(OnnxExporter.PLAIN_MODEL_FILE);
        assertThat(json.path("files").has("plainModel")).isFalse();
        // same builder, same weights: the companion is byte for byte the --no-svf model
        assertThat(Files.readAllBytes(svf.resolve(OnnxExporter.PLAIN_MODEL_FILE)))
                .isEqualTo(Files.readAllBytes(noSvf.resolve(OnnxExporter.MODEL_FILE)));

        float[][] companion;
        float[][] reference;
        try (OrtDecoder d = new OrtDecoder(svf, OnnxExporter.PLAIN_MODEL_FILE, 16, 1)) {
            companion = d.feed(tokens, true);
        }
        try (OrtDecoder d = new OrtDecoder(noSvf, 16, 1)) {
            reference = d.feed(tokens, true);
        }
        assertThat(companion).isDeepEqualTo(reference);
    }

    @Test
    void companionGetsItsOwnDataFileWhenExternalDataIsAsked() throws Exception {
        Path hf = TinyCheckpoint.llama().headDim(16).write(dir.resolve("hf"));
        Path out = dir.resolve("out");
        ExportResult r = OnnxExporter.builder().options(ExportOptions.builder().externalData(true).build()).build()
                .export(hf, out);
        ModelManifest m = ModelManifest.read(out);
        assertThat(m.files().externalData()).isEqualTo("model.onnx.data");
        assertThat(m.plainCompanion().externalData()).isEqualTo("model-plain.onnx.data");
        assertThat(r.fileSizes()).containsKeys("model.onnx", "model.onnx.data", "model-plain.onnx",
                "model-plain.onnx.data");
        assertThat(out.resolve("model-plain.onnx.data")).isNotEmptyFile();
        try (OrtDecoder plain = new OrtDecoder(out, OnnxExporter.PLAIN_MODEL_FILE, 16, 1);
             OrtDecoder withHook = new OrtDecoder(out, 16, 1)) {
            float[][] a = plain.feed(tokens, true);
            float[][] b = withHook.feed(tokens, true);
            double[][] bd = new double[b.length][];
            for (int i = 0; i < b.length; i++) {
                bd[i] = new double[b[i].length];
                for (int j = 0; j < b[i].length; j++) {
                    bd[i][j] = b[i][j];
                }
            }
            ExportedGraphVsReferenceTest.assertClose(a, bd, 0, "plain companion vs identity SVF");
        }
    }

    @Test
    void manifestHasNoCompanionWithoutTheHookOrWhenTurnedOff() throws Exception {
        Path hf = TinyCheckpoint.llama().headDim(16).write(dir.resolve("hf"));
        Path noSvf = dir.resolve("no-svf");
        Path off = dir.resolve("off");
        OnnxExporter.builder().options(ExportOptions.builder().svf(false).build()).build().export(hf, noSvf);
        OnnxExporter.builder().options(ExportOptions.builder().plainCompanion(false).build()).build().export(hf, off);
        ObjectMapper json = new ObjectMapper();
        for (Path out : List.of(noSvf, off)) {
            assertThat(json.readTree(out.resolve(ModelManifest.FILE_NAME).toFile()).has("plainCompanion")).isFalse();
            assertThat(ModelManifest.read(out).plainCompanion()).isNull();
            assertThat(out.resolve(OnnxExporter.PLAIN_MODEL_FILE)).doesNotExist();
        }
        assertThat(ModelManifest.read(off).svf().enabled()).isTrue();
    }

    @Test
    void forcedReExportWithoutCompanionRemovesTheOldOne() throws Exception {
        Path hf = TinyCheckpoint.llama().headDim(16).write(dir.resolve("hf"));
        Path out = dir.resolve("out");
        OnnxExporter.builder().build().export(hf, out);
        assertThat(out.resolve(OnnxExporter.PLAIN_MODEL_FILE)).exists();
        OnnxExporter.builder().options(ExportOptions.builder().plainCompanion(false).force(true).build()).build()
                .export(hf, out);
        assertThat(out.resolve(OnnxExporter.PLAIN_MODEL_FILE)).doesNotExist();
    }

    @Test
    void olderManifestWithoutTheFieldStillReads() throws Exception {
        Path hf = TinyCheckpoint.llama().headDim(16).write(dir.resolve("hf"));
        Path out = dir.resolve("out");
        OnnxExporter.builder().build().export(hf, out);
        Path file = out.resolve(ModelManifest.FILE_NAME);
        ObjectMapper json = new ObjectMapper();
        ObjectNode node = (ObjectNode) json.readTree(file.toFile());
        node.remove("plainCompanion");
        json.writeValue(file.toFile(), node);
        ModelManifest m = ModelManifest.read(out);
        assertThat(m.plainCompanion()).isNull();
        assertThat(m.files().model()).isEqualTo(OnnxExporter.MODEL_FILE);
    }

    @Test
    void unknownFieldsInNestedObjectsAreIgnored() throws Exception {
        // what a later exporter may add without a new manifest version; the old files.plainModel layout included
        Path hf = TinyCheckpoint.llama().headDim(16).write(dir.resolve("hf"));
        Path out = dir.resolve("out");
        OnnxExporter.builder().build().export(hf, out);
        Path file = out.resolve(ModelManifest.FILE_NAME);
        ObjectMapper json = new ObjectMapper();
        ObjectNode node = (ObjectNode) json.readTree(file.toFile());
        node.put("futureTopLevel", 1);
        ((ObjectNode) node.get("files")).put("plainModel", "model-plain.onnx");
        for (String nested : List.of("dimensions", "tokens", "inputs", "outputs", "kvCache", "svf",
                "plainCompanion")) {
            ((ObjectNode) node.get(nested)).put("futureField", "x");
        }
        ((ObjectNode) node.get("svf").get("matrices").get(0)).put("futureField", 2);
        json.writeValue(file.toFile(), node);
        ModelManifest m = ModelManifest.read(out);
        assertThat(m.files().model()).isEqualTo(OnnxExporter.MODEL_FILE);
        assertThat(m.plainCompanion().model()).isEqualTo(OnnxExporter.PLAIN_MODEL_FILE);
        assertThat(m.svf().matrices()).isNotEmpty();
    }

    @Test
    void companionSettingIsRejectedWithoutTheHook() {
        assertThatThrownBy(() -> ExportOptions.builder().svf(false).plainCompanion(false).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("plain companion");
        assertThat(ExportOptions.defaults().plainCompanion()).isTrue();
        assertThat(ExportOptions.builder().svf(false).build().plainCompanion()).isFalse();
    }

    @Test
    void progressReportsEachGraphAsItsOwnPhase() throws Exception {
        Path hf = TinyCheckpoint.llama().headDim(16).write(dir.resolve("hf"));
        List<String> phases = new ArrayList<>();
        OnnxExporter.builder().progress(new ExportProgress() {
            @Override
            public void phase(String description) {
                phases.add(description);
            }
        }).build().export(hf, dir.resolve("out"));
        assertThat(phases).hasSize(3);
        assertThat(phases.get(1)).startsWith("writing model.onnx");
        assertThat(phases.get(2)).startsWith("writing model-plain.onnx");
    }
}
