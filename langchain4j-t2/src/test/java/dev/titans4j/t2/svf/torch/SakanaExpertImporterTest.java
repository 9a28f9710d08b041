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
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sakana .pt experts imported into our format: files written by real {@code torch.save} from Sakana's own Policy
 * ({@code src/test/resources/sakana/make_fixtures.py}), and files from our format-description fixture for the
 * error cases.
 */
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

    /** A file written by make_fixtures.py (real torch.save of Sakana's Policy). */
    private static Path fixture(String name) throws Exception {
        return Path.of(SakanaExpertImporterTest.class.getResource("/sakana/" + name).toURI());
    }

    /** The value make_fixtures.py gives index i of the n-th MLP matrix (k/64, |k| <= 255: exact in bf16). */
    private static float planted(int n, int i) {
        return (((n * 53 + i * 29) % 511) - 255) / 64f;
    }

    @Test
    void sakanas_policy_params_and_legacy_learnable_params_import_to_the_same_exact_expert() throws Exception {
        SvfExpert fromPolicy = SakanaExpertImporter.importExpert(fixture("policy_params.pt"), "math", model);
        SvfExpert fromLegacy = SakanaExpertImporter.importExpert(fixture("learnable_params.pt"), "math", model);

        List<String> order = List.of("model.layers.0.mlp.gate_proj.weight", "model.layers.0.mlp.up_proj.weight",
                "model.layers.0.mlp.down_proj.weight", "model.layers.1.mlp.gate_proj.weight",
                "model.layers.1.mlp.up_proj.weight", "model.layers.1.mlp.down_proj.weight");
        assertThat(fromPolicy.values().keySet()).containsExactlyElementsOf(order);
        assertThat(fromLegacy.values().keySet()).containsExactlyElementsOf(order);
        for (int n = 0; n < order.size(); n++) {
            float[] expected = new float[32];
            for (int i = 0; i < expected.length; i++) {
                expected[i] = planted(n, i);
            }
            assertThat(fromPolicy.values().get(order.get(n))).as(order.get(n)).containsExactly(expected);
            assertThat(fromLegacy.values().get(order.get(n))).as(order.get(n)).containsExactly(expected);
        }
        assertThat(fromPolicy.kind()).isEqualTo(ValueKind.LOGITS);
        assertThat(fromPolicy.rescale()).isEqualTo(RescaleRule.SUM_PRESERVING);

        Path ours = dir.resolve("math.safetensors");
        SvfExpertFile.write(fromPolicy, ours);
        SvfExpert read = SvfExpertFile.read(ours);
        fromLegacy.values().forEach((w, v) -> assertThat(read.values().get(w)).containsExactly(v));
    }

    @Test
    void a_policy_of_another_model_fails_naming_the_index_the_matrix_and_both_lengths() throws Exception {
        Path threeLayers = fixture("policy_params_3_layers.pt");
        assertThatThrownBy(() -> SakanaExpertImporter.importExpert(threeLayers, "x", model))
                .hasMessage(threeLayers + " holds 9 vectors (learnable_params_module_list.0..8) but the target model"
                        + " has 6 MLP matrices (2 layers × gate, up, down): the expert was trained for another model");

        Path narrower = fixture("policy_params_hidden_24.pt");
        assertThatThrownBy(() -> SakanaExpertImporter.importExpert(narrower, "x", model))
                .hasMessage(narrower + ": learnable_params_module_list.0 has 24 values but maps to"
                        + " model.layers.0.mlp.gate_proj.weight, whose rank (min of its shape) is 32: the expert was"
                        + " trained for another model");
    }

    @Test
    void a_wrong_key_set_fails_naming_the_key() throws Exception {
        Path gap = fixture("policy_params_gap.pt");
        assertThatThrownBy(() -> SakanaExpertImporter.importExpert(gap, "x", model))
                .hasMessage(gap + ": learnable_params_module_list.4 is missing (5 vectors, keys"
                        + " [learnable_params_module_list.0, learnable_params_module_list.1, ...,"
                        + " learnable_params_module_list.5]); a Sakana policy_params.pt numbers them 0 .. N-1 without"
                        + " gaps");

        Path mixed = dir.resolve("mixed.pt");
        Map<String, float[]> tensors = new LinkedHashMap<>();
        tensors.put("learnable_params_module_list.0", new float[] {1f});
        tensors.put("adaptive_weights", new float[] {0.5f, 0.5f});
        new TorchPtFixture().write(mixed, tensors);
        assertThatThrownBy(() -> SakanaExpertImporter.importExpert(mixed, "x", model))
                .hasMessage(mixed + ": 1 keys are not learnable_params_module_list.N, e.g. [adaptive_weights]; a Sakana"
                        + " policy_params.pt holds only learnable_params_module_list.0 .. N-1");
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

    /**
     * Every truncation of Sakana's data.pkl, and every byte of it replaced by a few values, either imports or fails
     * with one error naming the file: never a ClassCastException, an index error, a negative array size or an
     * allocation of gigabytes read from a corrupted length.
     */
    @Test
    void a_corrupted_pickle_fails_with_one_error_naming_the_file() throws Exception {
        Map<String, byte[]> entries = entries(fixture("policy_params.pt"));
        byte[] pickle = entries.get("policy_params/data.pkl");
        List<String> crashes = new ArrayList<>();
        Path corrupt = dir.resolve("corrupt.pt");
        for (int at = 0; at < pickle.length; at++) {
            List<byte[]> variants = new ArrayList<>();
            variants.add(java.util.Arrays.copyOf(pickle, at));
            for (int b : new int[] {0x00, 0xff}) {
                byte[] changed = pickle.clone();
                changed[at] = (byte) b;
                variants.add(changed);
            }
            for (byte[] variant : variants) {
                write(entries, "policy_params/data.pkl", variant, corrupt);
                try {
                    SakanaExpertImporter.importExpert(corrupt, "x", model);
                } catch (IllegalArgumentException | UncheckedIOException e) {
                    if (!e.getMessage().contains(corrupt.toString())) {
                        crashes.add("byte " + at + ": message without the file: " + e.getMessage());
                    }
                } catch (RuntimeException | OutOfMemoryError e) {
                    crashes.add("byte " + at + ": " + e);
                }
            }
        }
        assertThat(crashes).as("%d failures, e.g. %s", crashes.size(),
                crashes.subList(0, Math.min(5, crashes.size()))).isEmpty();
    }

    /** The entries of a zip, by name, in order. */
    private static Map<String, byte[]> entries(Path zip) throws IOException {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        try (ZipFile z = new ZipFile(zip.toFile())) {
            for (ZipEntry e : java.util.Collections.list(z.entries())) {
                try (InputStream in = z.getInputStream(e)) {
                    entries.put(e.getName(), in.readAllBytes());
                }
            }
        }
        return entries;
    }

    /** Writes {@code entries} with one entry's bytes replaced as a zip to {@code target}. */
    private static void write(Map<String, byte[]> entries, String name, byte[] bytes, Path target)
            throws IOException {
        try (ZipOutputStream out = new ZipOutputStream(
                new java.io.BufferedOutputStream(Files.newOutputStream(target)))) {
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                out.putNextEntry(new ZipEntry(e.getKey()));
                out.write(e.getKey().equals(name) ? bytes : e.getValue());
                out.closeEntry();
            }
        }
    }

    @Test
    void a_non_finite_value_fails_naming_the_file() throws Exception {
        Map<String, float[]> damaged = new LinkedHashMap<>();
        logits.forEach((w, v) -> damaged.put(w, v.clone()));
        damaged.values().iterator().next()[2] = Float.NaN;
        Path pt = dir.resolve("nan.pt");
        new TorchPtFixture().write(pt, damaged);
        assertThatThrownBy(() -> SakanaExpertImporter.importExpert(pt, "x", model))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(pt.toString())
                .hasMessageContaining("NaN");
    }
}
