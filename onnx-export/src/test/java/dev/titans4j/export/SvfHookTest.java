package dev.titans4j.export;

import static org.assertj.core.api.Assertions.assertThat;

import dev.titans4j.export.manifest.ModelManifest;
import dev.titans4j.export.onnx.SvfForm;
import dev.titans4j.export.reference.ReferenceModel;
import dev.titans4j.export.safetensors.Checkpoint;
import dev.titans4j.export.safetensors.SafetensorsFile;
import dev.titans4j.export.svf.Svd;
import dev.titans4j.export.svf.SvfFactors;
import dev.titans4j.export.testing.TinyCheckpoint;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The Transformer² hook: identity multipliers are the base model; others equal re-composed weights. */
class SvfHookTest {

    @TempDir
    Path dir;

    private final int[] tokens = new Random(5).ints(9, 0, 64).toArray();

    @Test
    void identityMultipliersReproduceTheGraphWithoutHook() throws Exception {
        Path hf = TinyCheckpoint.llama().headDim(16).write(dir.resolve("hf"));
        Path with = dir.resolve("svf");
        Path without = dir.resolve("plain");
        OnnxExporter.builder().build().export(hf, with);
        OnnxExporter.builder().options(ExportOptions.builder().svf(false).build()).build().export(hf, without);
        assertThat(ModelManifest.read(without).svf().enabled()).isFalse();
        assertThat(without.resolve(OnnxExporter.SVF_FILE)).doesNotExist();

        float[][] a;
        float[][] b;
        try (OrtDecoder d = new OrtDecoder(with, 16, 1)) {
            a = d.feed(tokens, true);
        }
        try (OrtDecoder d = new OrtDecoder(without, 16, 1)) {
            b = d.feed(tokens, true);
        }
        double[][] bAsDouble = new double[b.length][];
        for (int i = 0; i < b.length; i++) {
            bAsDouble[i] = new double[b[i].length];
            for (int j = 0; j < b[i].length; j++) {
                bAsDouble[i][j] = b[i][j];
            }
        }
        ExportedGraphVsReferenceTest.assertClose(a, bAsDouble, 0, "svf identity vs plain");
    }

    @ParameterizedTest
    @EnumSource(SvfForm.class)
    void randomMultipliersMatchReferenceWithRecomposedWeights(SvfForm form) throws Exception {
        Path hf = TinyCheckpoint.qwen2().headDim(16).intermediate(40).write(dir.resolve("hf"));
        Path out = dir.resolve("onnx");
        OnnxExporter.builder().options(ExportOptions.builder().svfForm(form).build()).build().export(hf, out);
        ModelManifest manifest = ModelManifest.read(out);
        assertThat(manifest.svf().form()).isEqualTo(form.id());
        assertThat(manifest.svf().matrices()).extracting(ModelManifest.SvfMatrix::weight).contains(
                "model.layers.0.mlp.gate_proj.weight", "model.layers.1.mlp.down_proj.weight");

        ReferenceModel reference = ReferenceModel.load(hf);
        Random random = new Random(9);
        try (OrtDecoder decoder = new OrtDecoder(out, 16, 1);
             Checkpoint checkpoint = Checkpoint.open(hf);
             SafetensorsFile singular = SafetensorsFile.open(out.resolve(OnnxExporter.SVF_FILE))) {
            for (ModelManifest.SvfMatrix m : manifest.svf().matrices()) {
                assertThat(m.rank()).isEqualTo(Math.min(m.rows(), m.cols()));
                float[] multipliers = new float[m.rank()];
                double[] asDouble = new double[m.rank()];
                for (int i = 0; i < multipliers.length; i++) {
                    multipliers[i] = (float) (0.5 + random.nextDouble());
                    asDouble[i] = multipliers[i];
                }
                decoder.svf(m.input(), multipliers);
                SvfFactors f = Svd.factor(checkpoint.floats(m.weight()), m.rows(), m.cols());
                float[] stored = singular.readFloats(m.weight());
                for (int i = 0; i < stored.length; i++) {
                    assertThat((double) stored[i]).isCloseTo(f.singularValues()[i],
                            org.assertj.core.data.Offset.offset(1e-5 * f.singularValues()[0]));
                }
                reference = reference.withWeight(m.weight(), rows(f.compose(asDouble), m.rows(), m.cols()));
            }
            float[][] prefill = decoder.feed(java.util.Arrays.copyOfRange(tokens, 0, 6), true);
            double[][] expected = reference.logits(tokens);
            ExportedGraphVsReferenceTest.assertClose(prefill, expected, 0, "svf " + form);
            for (int t = 6; t < tokens.length; t++) {
                ExportedGraphVsReferenceTest.assertClose(decoder.feed(new int[] {tokens[t]}, false), expected, t,
                        "svf decode " + form);
            }
            // the multipliers really act: the base model differs
            double[][] base = ReferenceModel.load(hf).logits(tokens);
            assertThat(Math.abs(base[8][0] - expected[8][0]) + Math.abs(base[8][1] - expected[8][1]))
                    .isGreaterThan(1e-3);
        }
    }

    private static double[][] rows(double[] w, int rows, int cols) {
        double[][] m = new double[rows][cols];
        for (int r = 0; r < rows; r++) {
            System.arraycopy(w, r * cols, m[r], 0, cols);
        }
        return m;
    }
}
