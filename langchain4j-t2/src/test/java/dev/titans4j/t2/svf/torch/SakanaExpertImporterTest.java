package dev.titans4j.t2.svf.torch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.titans4j.export.OnnxExporter;
import dev.titans4j.export.manifest.ModelManifest;
import dev.titans4j.export.safetensors.HalfFloats;
import dev.titans4j.export.testing.TinyCheckpoint;
import dev.titans4j.t2.svf.RescaleRule;
import dev.titans4j.t2.svf.SingularValues;
import dev.titans4j.t2.svf.SvfExpert;
import dev.titans4j.t2.svf.SvfExpertFile;
import dev.titans4j.t2.svf.ValueKind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** Sakana .pt experts (written by our fixture from the torch.save format description) imported into our format. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SakanaExpertImporterTest {

    @TempDir
    static Path dir;

    private SingularValues model;
    private Map<String, float[]> logits;

    @BeforeAll
    void export() throws Exception {
        Path hf = TinyCheckpoint.llama().headDim(16).intermediate(40).write(dir.resolve("hf"));
        Path out = dir.resolve("onnx");
        OnnxExporter.builder().build().export(hf, out);
        model = SingularValues.load(out, ModelManifest.read(out));
        Random random = new Random(3);
        logits = new LinkedHashMap<>();
        model.matrices().forEach((w, m) -> {
            float[] v = new float[m.rank()];
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) (0.1 + random.nextGaussian()); // bf16-rounded below, as the file stores them
                v[i] = HalfFloats.bf16ToFloat(HalfFloats.floatToBf16(v[i]));
            }
            logits.put(w, v);
        });
        assertThat(logits).containsKey("model.layers.0.mlp.gate_proj.weight");
    }

    @Test
    void a_pt_expert_round_trips_into_our_format() throws Exception {
        Path pt = dir.resolve("learnable_params.pt");
        new TorchPtFixture().write(pt, logits);
        assertThat(TorchCheckpoint.readTensors(pt).keySet()).containsExactlyElementsOf(logits.keySet());

        SvfExpert expert = SakanaExpertImporter.importExpert(pt, "math", model);
        assertThat(expert.kind()).isEqualTo(ValueKind.LOGITS);
        assertThat(expert.rescale()).isEqualTo(RescaleRule.SUM_PRESERVING);
        Path ours = dir.resolve("math.safetensors");
        SvfExpertFile.write(expert, ours);
        SvfExpert read = SvfExpertFile.read(ours);
        logits.forEach((w, v) -> assertThat(read.values().get(w)).containsExactly(v));
    }

    @Test
    void parameter_wrapped_tensors_are_read_too() throws Exception {
        Path pt = dir.resolve("params.pt");
        new TorchPtFixture().asParameters().write(pt, logits);
        Map<String, float[]> read = TorchCheckpoint.readTensors(pt);
        logits.forEach((w, v) -> assertThat(read.get(w)).containsExactly(v));
    }

    @Test
    void bad_files_fail_with_the_reason() throws Exception {
        Path notZip = dir.resolve("legacy.pt");
        Files.write(notZip, new byte[] {(byte) 0x80, 2, 'N', '.'});
        assertThatThrownBy(() -> TorchCheckpoint.readTensors(notZip)).hasMessageContaining("not a PyTorch zip");

        Map<String, float[]> wrongNames = Map.of("model.layers.0.self_attn.q_proj.weight", new float[] {1f, 2f});
        Path pt = dir.resolve("attn.pt");
        new TorchPtFixture().write(pt, wrongNames);
        assertThatThrownBy(() -> SakanaExpertImporter.importExpert(pt, "x", model))
                .hasMessageContaining("not adapted matrices").hasMessageContaining("q_proj");

        String gate = "model.layers.0.mlp.gate_proj.weight";
        Path shortPt = dir.resolve("short.pt");
        new TorchPtFixture().write(shortPt, Map.of(gate, new float[] {1f, 2f}));
        assertThatThrownBy(() -> SakanaExpertImporter.importExpert(shortPt, "x", model))
                .hasMessageContaining(gate + " has 2 values");
    }
}
