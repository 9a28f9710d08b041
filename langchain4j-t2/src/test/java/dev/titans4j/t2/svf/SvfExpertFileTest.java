package dev.titans4j.t2.svf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.titans4j.export.manifest.ModelManifest;
import dev.titans4j.export.safetensors.DType;
import dev.titans4j.export.safetensors.SafetensorsFile;
import dev.titans4j.export.safetensors.SafetensorsWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** Our expert file: round trip, and clear errors for files that are not experts or belong to another model. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SvfExpertFileTest {

    @TempDir
    static Path dir;

    private SingularValues model;
    private SingularValues otherModel;

    @BeforeAll
    void export() {
        model = SvfTestModels.singularValues(SvfTestModels.tinyExport(dir.resolve("a"), 1));
        otherModel = SvfTestModels.singularValues(SvfTestModels.tinyExport(dir.resolve("b"), 2));
    }

    @Test
    void round_trip_keeps_values_kind_rule_and_base() {
        SvfExpert expert = SvfTestModels.randomExpert("math", model, ValueKind.LOGITS, 0.5, 0.4, 3);
        Path file = dir.resolve("math.safetensors");
        SvfExpertFile.write(expert, file);
        SvfExpert read = SvfExpertFile.read(file);
        assertThat(read.name()).isEqualTo("math");
        assertThat(read.kind()).isEqualTo(ValueKind.LOGITS);
        assertThat(read.rescale()).isEqualTo(RescaleRule.SUM_PRESERVING);
        assertThat(read.base()).isEqualTo(model.identity());
        assertThat(read.values().keySet()).containsExactlyElementsOf(expert.values().keySet());
        expert.values().forEach((w, v) -> assertThat(read.values().get(w)).containsExactly(v));
        new SvfAdapter(model).check(read);
    }

    @Test
    void an_expert_of_another_base_model_is_refused_with_the_reason() {
        SvfExpert foreign = SvfTestModels.randomExpert("foreign", otherModel, ValueKind.Z, 1, 0.1, 4);
        assertThatThrownBy(() -> new SvfAdapter(model).check(foreign))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'foreign' was made for a different base model")
                .hasMessageContaining("singular values of model.layers.");
    }

    @Test
    void wrong_lengths_and_unknown_matrices_are_named() {
        SvfExpert good = SvfTestModels.randomExpert("x", model, ValueKind.Z, 1, 0.1, 5);
        String first = good.values().keySet().iterator().next();
        Map<String, float[]> values = new LinkedHashMap<>(good.values());
        values.put(first, new float[3]);
        assertThatThrownBy(() -> new SvfAdapter(model).check(good.withValues(values)))
                .hasMessageContaining(first + " has 3 values, the model's rank is");
        Map<String, float[]> extra = new LinkedHashMap<>(good.values());
        extra.put("model.layers.0.self_attn.q_proj.weight", new float[4]);
        assertThatThrownBy(() -> new SvfAdapter(model).check(good.withValues(extra)))
                .hasMessageContaining("q_proj.weight is not an adapted matrix");
    }

    @Test
    void files_that_are_not_experts_fail_clearly() throws Exception {
        Path plain = dir.resolve("plain.safetensors");
        new SafetensorsWriter().metadata("format", "pt").add("x", DType.F32, new long[] {2}, new float[2])
                .write(plain);
        assertThatThrownBy(() -> SvfExpertFile.read(plain)).hasMessageContaining("not a titans4j SVF expert");
        assertThatThrownBy(() -> SvfExpertFile.read(dir.resolve("missing.safetensors")))
                .hasMessageContaining("does not exist");
        Path future = dir.resolve("future.safetensors");
        new SafetensorsWriter().metadata("format", SvfExpertFile.FORMAT).metadata("format_version", "9")
                .add("x", DType.F32, new long[] {2}, new float[2]).write(future);
        assertThatThrownBy(() -> SvfExpertFile.read(future)).hasMessageContaining("version 9 is not supported");
    }

    /** A damaged value (NaN or infinity) fails naming the file it is in, not just the expert's name. */
    @Test
    void a_non_finite_expert_value_fails_naming_the_file() {
        SvfExpert good = SvfTestModels.randomExpert("good", model, ValueKind.LOGITS, 0.5, 0.1, 3);
        Path file = dir.resolve("nan.safetensors");
        SvfExpertFile.write(good, file);
        Map<String, float[]> values = new LinkedHashMap<>();
        try (SafetensorsFile st = SafetensorsFile.open(file)) {
            for (String name : st.tensors().keySet()) {
                values.put(name, st.readFloats(name));
            }
            SafetensorsWriter writer = new SafetensorsWriter();
            st.metadata().forEach(writer::metadata);
            values.values().iterator().next()[1] = Float.NaN;
            values.forEach((name, v) -> writer.add(name, DType.F32, new long[] {v.length}, v));
            writer.write(file);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        assertThatThrownBy(() -> SvfExpertFile.read(file)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(file.toString()).hasMessageContaining("NaN");
    }

    /**
     * The model's singular values are what experts are checked against: a NaN there made every sum NaN, every
     * compatibility check pass (NaN compares false) and every multiplier NaN.
     */
    @Test
    void non_finite_singular_values_fail_naming_the_file_and_the_matrix() throws Exception {
        Path exported = SvfTestModels.tinyExport(dir.resolve("nan-model"), 3);
        ModelManifest manifest = ModelManifest.read(exported);
        Path svf = exported.resolve(manifest.svf().file());
        String damagedWeight = manifest.svf().matrices().get(0).weight();
        SafetensorsWriter writer = new SafetensorsWriter();
        try (SafetensorsFile st = SafetensorsFile.open(svf)) {
            st.metadata().forEach(writer::metadata);
            for (String name : st.tensors().keySet()) {
                float[] v = st.readFloats(name);
                if (name.equals(damagedWeight)) {
                    v[0] = Float.NaN;
                }
                writer.add(name, DType.F32, st.info(name).shape(), v);
            }
        }
        writer.write(svf);
        assertThatThrownBy(() -> SingularValues.load(exported, manifest)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(svf.toString()).hasMessageContaining(damagedWeight);
    }
}
