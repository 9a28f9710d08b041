package dev.titans4j.t2.svf;

import dev.titans4j.export.OnnxExporter;
import dev.titans4j.export.manifest.ModelManifest;
import dev.titans4j.export.testing.TinyCheckpoint;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/** Small exported models and random experts for the SVF tests. */
final class SvfTestModels {

    private SvfTestModels() {
    }

    /** A random tiny Llama checkpoint ({@code dir/hf}) exported with the SVF hook into {@code dir/onnx}. */
    static Path tinyExport(Path dir, long seed) {
        try {
            Path hf = TinyCheckpoint.llama().headDim(16).intermediate(40).seed(seed).write(dir.resolve("hf"));
            Path out = dir.resolve("onnx");
            OnnxExporter.builder().build().export(hf, out);
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static SingularValues singularValues(Path exported) {
        try {
            return SingularValues.load(exported, ModelManifest.read(exported));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Values drawn around {@code center} (± spread) for every matrix. */
    static SvfExpert randomExpert(String name, SingularValues model, ValueKind kind, double center, double spread,
                                  long seed) {
        Random random = new Random(seed);
        Map<String, float[]> values = new LinkedHashMap<>();
        model.matrices().forEach((w, m) -> {
            float[] v = new float[m.rank()];
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) (center + spread * (2 * random.nextDouble() - 1));
            }
            values.put(w, v);
        });
        return new SvfExpert(name, kind, RescaleRule.SUM_PRESERVING, model.identity(), values);
    }
}
