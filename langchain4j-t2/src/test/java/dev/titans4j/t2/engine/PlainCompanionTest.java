package dev.titans4j.t2.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.titans4j.export.ExportOptions;
import dev.titans4j.export.OnnxExporter;
import dev.titans4j.export.manifest.ModelManifest;
import dev.titans4j.export.testing.TinyCheckpoint;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The plain companion graph ({@code model-plain.onnx}) serves sessions without multipliers; {@code model.onnx} is
 * loaded once, on the first session that mixes, and both give the same base model.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PlainCompanionTest {

    @TempDir
    static Path dir;

    private Path hf;
    private Path withCompanion;
    private final int[] tokens = new Random(3).ints(9, 0, 64).toArray();
    private final EngineOptions options = EngineOptions.defaults().withIntraOpThreads(1);

    @BeforeAll
    void exportTinyModel() throws IOException {
        hf = TinyCheckpoint.llama().headDim(16).intermediate(40).seed(7).write(dir.resolve("hf"));
        withCompanion = export("default", ExportOptions.defaults());
    }

    private Path export(String name, ExportOptions exportOptions) throws IOException {
        Path out = dir.resolve(name);
        OnnxExporter.builder().options(exportOptions).build().export(hf, out);
        return out;
    }

    private static float[][] logits(OnnxModel model, Map<String, float[]> multipliers, int[] tokens) {
        try (DecoderSession session = model.newSession(multipliers)) {
            return session.forward(tokens, 0);
        }
    }

    private static Map<String, float[]> allOnes(OnnxModel model) {
        Map<String, float[]> ones = new HashMap<>();
        for (ModelManifest.SvfMatrix m : model.manifest().svf().matrices()) {
            float[] v = new float[m.rank()];
            Arrays.fill(v, 1f);
            ones.put(m.input(), v);
        }
        return ones;
    }

    @Test
    void plainSessionsDoNotLoadTheSvfGraphAndMatchItsIdentity() {
        try (OnnxModel model = OnnxModel.load(withCompanion, options)) {
            assertThat(model.usesPlainCompanion()).isTrue();
            float[][] plain = logits(model, Map.of(), tokens);
            try (DecoderSession s = model.newSession()) {
                assertThat(s.graph().file()).isEqualTo(OnnxExporter.PLAIN_MODEL_FILE);
            }
            assertThat(model.svfGraphLoaded()).isFalse();

            float[][] identity = logits(model, allOnes(model), tokens); // non-empty, even all ones: SVF graph
            assertThat(model.svfGraphLoaded()).isTrue();
            assertClose(plain, identity, 2e-5, "plain companion vs identity multipliers");
            assertThat(plain[0]).as("real logits, not zeros").isNotEqualTo(new float[plain[0].length]);
        }
    }

    @Test
    void plainPathGivesExactlyTheNoSvfExportsLogits() throws IOException {
        Path noSvf = export("no-svf", ExportOptions.builder().svf(false).build());
        try (OnnxModel model = OnnxModel.load(withCompanion, options);
             OnnxModel reference = OnnxModel.load(noSvf, options)) {
            assertThat(logits(model, Map.of(), tokens)).isDeepEqualTo(logits(reference, Map.of(), tokens));
        }
    }

    @Test
    void multipliersStillChangeTheOutputAndAreValidatedBeforeLoading() {
        try (OnnxModel model = OnnxModel.load(withCompanion, options)) {
            ModelManifest.SvfMatrix matrix = model.manifest().svf().matrices().get(0);
            assertThatThrownBy(() -> model.newSession(Map.of("nope", new float[1])))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'nope' is not an SVF input");
            assertThatThrownBy(() -> model.newSession(Map.of(matrix.input(), new float[matrix.rank() + 1])))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("needs " + matrix.rank());
            assertThat(model.svfGraphLoaded()).isFalse();
            assertThat(model.idleCaches()).as("rejected requests return no cache they never took").isZero();

            float[] half = new float[matrix.rank()];
            Arrays.fill(half, 0.5f);
            float[][] base = logits(model, Map.of(), tokens);
            float[][] scaled = logits(model, Map.of(matrix.input(), half), tokens);
            assertThat(scaled[tokens.length - 1]).isNotEqualTo(base[tokens.length - 1]);
            assertThat(logits(model, Map.of(), tokens)).isDeepEqualTo(base);
        }
    }

    @Test
    void concurrentFirstMixingSessionsLoadTheSvfGraphOnce() throws Exception {
        int threads = 4;
        try (OnnxModel model = OnnxModel.load(withCompanion, options)) {
            Map<String, float[]> ones = allOnes(model);
            CountDownLatch start = new CountDownLatch(1);
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            try {
                List<Future<GraphSession>> graphs = new ArrayList<>();
                for (int i = 0; i < threads; i++) {
                    graphs.add(pool.submit(() -> {
                        start.await();
                        try (DecoderSession s = model.newSession(ones)) {
                            s.prefill(tokens);
                            return s.graph();
                        }
                    }));
                }
                start.countDown();
                GraphSession first = graphs.get(0).get();
                assertThat(first.file()).isEqualTo(OnnxExporter.MODEL_FILE);
                for (Future<GraphSession> g : graphs) {
                    assertThat(g.get()).isSameAs(first);
                }
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Test
    void closeClosesBothGraphs() {
        OnnxModel model = OnnxModel.load(withCompanion, options);
        GraphSession plain = model.defaultGraph();
        GraphSession svf;
        try (DecoderSession s = model.newSession(allOnes(model))) {
            svf = s.graph();
        }
        assertThat(svf).isNotSameAs(plain);
        model.close();
        assertThat(plain.isClosed()).isTrue();
        assertThat(svf.isClosed()).isTrue();
        assertThatThrownBy(() -> model.newSession(allOnes(model))).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void closingBeforeTheSvfGraphWasNeededClosesThePlainOne() {
        OnnxModel model = OnnxModel.load(withCompanion, options);
        GraphSession plain = model.defaultGraph();
        model.close();
        assertThat(plain.isClosed()).isTrue();
        assertThat(model.svfGraphLoaded()).isFalse();
        assertThatThrownBy(() -> model.newSession(allOnes(model))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
        assertThat(model.svfGraphLoaded()).isFalse();
    }

    @Test
    void optingOutUsesModelOnnxForEverySession() {
        try (OnnxModel model = OnnxModel.load(withCompanion, options.withPlainCompanion(false));
             OnnxModel companion = OnnxModel.load(withCompanion, options)) {
            assertThat(model.usesPlainCompanion()).isFalse();
            assertThat(model.svfGraphLoaded()).isTrue();
            try (DecoderSession plain = model.newSession(); DecoderSession mixed = model.newSession(allOnes(model))) {
                assertThat(plain.graph()).isSameAs(mixed.graph());
                assertThat(plain.graph().file()).isEqualTo(OnnxExporter.MODEL_FILE);
            }
            // the same graph with identity inputs either way: bit-identical
            assertThat(logits(model, Map.of(), tokens)).isDeepEqualTo(logits(model, allOnes(model), tokens));
            assertThat(logits(model, Map.of(), tokens)).isDeepEqualTo(logits(companion, allOnes(companion), tokens));
        }
    }

    @Test
    void exportsWithoutCompanionBehaveAsBefore() throws IOException {
        Path noCompanion = export("no-companion", ExportOptions.builder().plainCompanion(false).build());
        try (OnnxModel model = OnnxModel.load(noCompanion, options)) {
            assertThat(model.manifest().plainCompanion()).isNull();
            assertThat(model.usesPlainCompanion()).isFalse();
            assertThat(model.svfGraphLoaded()).isTrue();
            try (DecoderSession s = model.newSession()) {
                assertThat(s.graph().file()).isEqualTo(OnnxExporter.MODEL_FILE);
            }
        }
    }

    @Test
    void missingCompanionFileIsNamedWithTheWayOut() throws IOException {
        Path broken = export("broken", ExportOptions.defaults());
        java.nio.file.Files.delete(broken.resolve(OnnxExporter.PLAIN_MODEL_FILE));
        assertThatThrownBy(() -> OnnxModel.load(broken, options)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(OnnxExporter.PLAIN_MODEL_FILE).hasMessageContaining("plain companion")
                .hasMessageContaining("withPlainCompanion(false)").hasMessageContaining("re-export");
        try (OnnxModel model = OnnxModel.load(broken, options.withPlainCompanion(false))) {
            assertThat(model.usesPlainCompanion()).isFalse();
        }
    }

    @Test
    void fiveArgumentOptionsKeepTheCompanionOn() {
        assertThat(new EngineOptions(1, ExecutionProvider.CPU, 0, 0, true))
                .isEqualTo(new EngineOptions(1, ExecutionProvider.CPU, 0, 0, true, true));
    }

    @Test
    void companionWithExternalDataLoadsItsOwnDataFile() throws IOException {
        Path external = export("external", ExportOptions.builder().externalData(true).build());
        try (OnnxModel model = OnnxModel.load(external, options);
             OnnxModel inline = OnnxModel.load(withCompanion, options)) {
            int plainOnly = model.externalInitializers();
            assertThat(plainOnly).isGreaterThan(5);
            assertThat(logits(model, Map.of(), tokens)).isDeepEqualTo(logits(inline, Map.of(), tokens));
            logits(model, allOnes(model), tokens);
            assertThat(model.externalInitializers()).isGreaterThan(plainOnly);
        }
    }

    private static void assertClose(float[][] actual, float[][] expected, double tolerance, String label) {
        assertThat(actual.length).isEqualTo(expected.length);
        double scale = 0;
        double err = 0;
        for (int r = 0; r < actual.length; r++) {
            for (int v = 0; v < actual[r].length; v++) {
                scale = Math.max(scale, Math.abs(expected[r][v]));
                err = Math.max(err, Math.abs(actual[r][v] - expected[r][v]));
            }
        }
        assertThat(err).as(label + ": max error relative to max |logit| " + scale)
                .isLessThanOrEqualTo(tolerance * Math.max(1, scale));
    }
}
