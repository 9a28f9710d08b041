package dev.titans4j.t2.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.titans4j.export.manifest.ModelManifest;
import dev.titans4j.t2.OnnxChatEngine;
import dev.titans4j.t2.TestModels;
import dev.titans4j.t2.engine.EngineOptions;
import dev.titans4j.t2.svf.ExpertMix;
import dev.titans4j.t2.svf.SvfAdapter;
import dev.titans4j.t2.svf.SvfMultipliers;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Few-shot scoring runs every candidate on the SVF graph: the base model's identity multipliers (an empty map, which
 * a normal request runs on the plain companion) score exactly like explicit all-ones multipliers, so CEM's
 * objective does not jump between graphs at alpha = 0.
 */
class FewShotScorerGraphTest {

    private static final List<FewShotExample> EXAMPLES = List.of(
            FewShotExample.of("Once upon a time", " there was"), FewShotExample.of("Tom and Lily", " were friends"));

    @Test
    void baseCandidateIsScoredOnTheSvfGraphLikeExplicitOnes() {
        try (OnnxChatEngine engine = OnnxChatEngine.load(TestModels.stories260K(),
                EngineOptions.defaults().withIntraOpThreads(1))) {
            assertThat(engine.model().usesPlainCompanion()).as("the export has a companion").isTrue();
            assertThat(engine.model().svfGraphLoaded()).isFalse();
            SvfAdapter adapter = SvfAdapter.forEngine(engine);
            FewShotScorer scorer = new FewShotScorer(engine, EXAMPLES);

            SvfMultipliers base = adapter.multipliers(ExpertMix.base());
            assertThat(base.isIdentity()).isTrue();
            FewShotScore baseScore = scorer.score(base);
            assertThat(engine.model().svfGraphLoaded()).as("scoring the base loaded model.onnx").isTrue();
            assertThat(baseScore).isEqualTo(scorer.score(SvfMultipliers.of(allOnes(engine.model().manifest()))));

            // what the companion gives differs (SVD round trip), so scoring it there would be another objective
            float[][] companion;
            float[][] svfIdentity;
            int[] ids = engine.promptIds(EXAMPLES.get(0).messages());
            try (var s = engine.model().newSession()) {
                companion = s.forward(ids, 0);
            }
            try (var s = engine.model().newSession(Map.of(), true)) {
                svfIdentity = s.forward(ids, 0);
            }
            assertThat(java.util.Arrays.deepEquals(companion, svfIdentity)).isFalse();
        }
    }

    private static Map<String, float[]> allOnes(ModelManifest manifest) {
        Map<String, float[]> ones = new LinkedHashMap<>();
        for (ModelManifest.SvfMatrix m : manifest.svf().matrices()) {
            float[] v = new float[m.rank()];
            Arrays.fill(v, 1f);
            ones.put(m.input(), v);
        }
        return ones;
    }
}
