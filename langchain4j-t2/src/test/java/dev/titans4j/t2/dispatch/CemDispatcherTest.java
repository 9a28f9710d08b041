package dev.titans4j.t2.dispatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.titans4j.t2.OnnxChatEngine;
import dev.titans4j.t2.TestModels;
import dev.titans4j.t2.engine.EngineOptions;
import dev.titans4j.t2.engine.GenerationRequest;
import dev.titans4j.t2.engine.GenerationResult;
import dev.titans4j.t2.engine.TokenSelector;
import dev.titans4j.t2.svf.ExpertMix;
import dev.titans4j.t2.svf.RescaleRule;
import dev.titans4j.t2.svf.SingularValues;
import dev.titans4j.t2.svf.SvfAdapter;
import dev.titans4j.t2.svf.SvfExpert;
import dev.titans4j.t2.svf.SvfMultipliers;
import dev.titans4j.t2.svf.ValueKind;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Few-shot CEM on stories260K with planted answers: examples of one task are what the base model says, of the other
 * what a strongly altered expert says; CEM must find a mix that reproduces each (accuracy 1) and lean on the right
 * expert, and the result is cached per task. With per-matrix weights (Sakana's per_layer) every matrix gets its own
 * weights, which reach the multipliers, and a task planted with a per-matrix mix is fitted.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CemDispatcherTest {

    private static final List<String> PROMPTS = List.of("Once upon a time", "Tom and Lily", "The sun was");

    private OnnxChatEngine engine;
    private SvfAdapter adapter;
    private SvfExpert keep;
    private SvfExpert altered;

    @BeforeAll
    void load() {
        engine = OnnxChatEngine.load(TestModels.stories260K(), EngineOptions.defaults().withIntraOpThreads(1));
        adapter = SvfAdapter.forEngine(engine);
        keep = SvfExpert.identity("keep", adapter.singularValues());
        Random random = new Random(4);
        Map<String, float[]> values = new LinkedHashMap<>();
        adapter.singularValues().matrices().forEach((w, m) -> {
            float[] v = new float[m.rank()];
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) (0.4 + 1.2 * random.nextDouble());
            }
            values.put(w, v);
        });
        altered = new SvfExpert("altered", ValueKind.Z, RescaleRule.SUM_PRESERVING,
                adapter.singularValues().identity(), values);
    }

    @AfterAll
    void close() {
        if (engine != null) { // null when @BeforeAll skipped for missing shared data
            engine.close();
        }
    }

    /**
     * Greedy 5-token answers under {@code m}. The answer text is cut from the decoded prompt+output, so it keeps the
     * space a story model puts between prompt and continuation (a chat response drops a leading space).
     */
    private List<FewShotExample> examplesOf(SvfMultipliers m) {
        List<FewShotExample> examples = new ArrayList<>();
        for (String prompt : PROMPTS) {
            int[] ids = engine.promptIds(List.of(UserMessage.from(prompt)));
            GenerationResult r = engine.generator().generate(new GenerationRequest(ids, 5, engine.stopTokenIds(),
                    List.of()), TokenSelector.greedy(), m.asMap(), piece -> { }, () -> false);
            int[] all = IntStream.concat(IntStream.of(ids), r.outputIds().stream().mapToInt(Integer::intValue))
                    .toArray();
            String text = engine.tokenizer().decode(all);
            String promptText = engine.tokenizer().decode(ids);
            assertThat(text).startsWith(promptText);
            examples.add(FewShotExample.of(prompt, text.substring(promptText.length())));
        }
        return examples;
    }

    @Test
    void cem_recovers_planted_mixes_and_caches_them_per_task() {
        List<FewShotExample> baseAnswers = examplesOf(SvfMultipliers.identity());
        List<FewShotExample> alteredAnswers = examplesOf(adapter.multipliers(altered));
        assertThat(alteredAnswers).isNotEqualTo(baseAnswers);
        FewShotScorer alteredScorer = new FewShotScorer(engine, alteredAnswers);
        assertThat(alteredScorer.score(adapter.multipliers(altered)).accuracy())
                .as("the scorer's greedy check agrees with generation").isEqualTo(1.0);
        assertThat(alteredScorer.score(SvfMultipliers.identity()).accuracy()).isLessThan(1.0);

        CemDispatcher cem = CemDispatcher.builder().engine(engine).adapter(adapter).experts(List.of(keep, altered))
                .task("base", baseAnswers).task("altered", alteredAnswers)
                .taskResolver(r -> ((UserMessage) r.messages().get(0)).singleText().startsWith("B") ? "base"
                        : "altered")
                .population(12).iterations(8).seed(5).build();

        CemDispatcher.Adaptation forAltered = cem.adapt("altered");
        assertThat(forAltered.score().accuracy()).isEqualTo(1.0);
        double[] a = forAltered.mix().alphas();
        assertThat(a[1]).as("leans on the altered expert: " + forAltered.mix()).isGreaterThan(a[0]);
        assertThat(forAltered.evaluations()).isEqualTo(12 * 8);

        CemDispatcher.Adaptation forBase = cem.adapt("base");
        assertThat(forBase.score().accuracy()).isEqualTo(1.0);

        Dispatch first = cem.dispatch(ChatRequest.builder().messages(UserMessage.from("A story")).build());
        assertThat(first.label()).isEqualTo("altered");
        assertThat(first.cost()).as("already adapted: cached, free").isEqualTo(DispatchCost.NONE);
        assertThat(first.mix()).isSameAs(forAltered.mix());
        ExpertMix again = cem.dispatch(ChatRequest.builder().messages(UserMessage.from("A tale")).build()).mix();
        assertThat(again).isSameAs(forAltered.mix());
    }

    @Test
    void per_matrix_weights_reach_the_multipliers_as_computed_by_hand() {
        CemDispatcher cem = CemDispatcher.builder().engine(engine).adapter(adapter).experts(List.of(keep, altered))
                .task("t", List.of(FewShotExample.of("Once", " upon"))).perMatrix(true).build();
        List<SingularValues.Matrix> matrices = List.copyOf(adapter.singularValues().matrices().values());
        int l = matrices.size();
        double[] x = new double[2 * l]; // expert-major: x[k·L + l]
        for (int j = 0; j < l; j++) {
            x[j] = 0.1 + 0.8 * j / l;
            x[l + j] = 0.9 - 0.7 * j / l;
        }
        x[2] = 0; // matrix 2: no weight at all, so the base
        x[l + 2] = 0;
        ExpertMix mix = cem.mixOf(x);
        SvfMultipliers m = adapter.multipliers(mix);

        for (int j = 0; j < l; j++) {
            SingularValues.Matrix matrix = matrices.get(j);
            assertThat(mix.alpha(0, matrix.weight())).isEqualTo(x[j]);
            assertThat(mix.alpha(1, matrix.weight())).isEqualTo(x[l + j]);
            if (j == 2) {
                assertThat(m.get(matrix.input())).as("all-zero weights keep the base").isNull();
                continue;
            }
            // z' = α_keep·1 + α_altered·z_altered, then the sum-preserving rescale Σs / Σ(s⊙z')
            float[] s = matrix.values();
            float[] z = altered.values().get(matrix.weight());
            double[] mixed = new double[s.length];
            double sum = 0;
            double scaled = 0;
            for (int i = 0; i < s.length; i++) {
                mixed[i] = x[j] + x[l + j] * z[i];
                sum += s[i];
                scaled += s[i] * mixed[i];
            }
            float[] expected = new float[s.length];
            for (int i = 0; i < s.length; i++) {
                expected[i] = (float) (mixed[i] * sum / scaled);
            }
            assertThat(m.get(matrix.input())).as(matrix.weight()).containsExactly(expected, within(1e-6f));
        }
        double meanKeep = Arrays.stream(x, 0, l).sum() / l;
        assertThat(mix.alphas()[0]).as("reported expert weight: its mean over the matrices").isCloseTo(meanKeep,
                within(1e-12));
    }

    @Test
    void per_matrix_search_fits_a_planted_per_matrix_task_that_per_expert_weights_miss_on_the_same_budget() {
        // planted: the altered expert on the first layer's matrices only, the base everywhere else
        List<String> weights = List.copyOf(adapter.singularValues().matrices().keySet());
        Map<String, double[]> byMatrix = new LinkedHashMap<>();
        weights.forEach(w -> byMatrix.put(w, w.startsWith("model.layers.0.") ? new double[] {0, 1}
                : new double[] {1, 0}));
        ExpertMix planted = ExpertMix.of(List.of(keep, altered), new double[] {0.5, 0.5}, byMatrix);
        List<FewShotExample> answers = examplesOf(adapter.multipliers(planted));

        assertThat(answers).isNotEqualTo(examplesOf(SvfMultipliers.identity()))
                .isNotEqualTo(examplesOf(adapter.multipliers(altered)));

        CemDispatcher.Builder search = CemDispatcher.builder().engine(engine).adapter(adapter)
                .experts(List.of(keep, altered)).task("planted", answers).population(16).iterations(10).seed(1);
        CemDispatcher.Adaptation perExpert = search.build().adapt("planted");
        CemDispatcher.Adaptation found = search.perMatrix(true).build().adapt("planted");
        assertThat(perExpert.score().accuracy()).as("one weight per expert, same budget").isLessThan(1.0);
        assertThat(found.score().accuracy()).isEqualTo(1.0);
        assertThat(found.evaluations()).isEqualTo(16 * 10);
        String first = weights.get(0);
        String last = weights.get(weights.size() - 1);
        assertThat(found.mix().alpha(0, first)).as("each matrix has its own weights: " + found.mix())
                .isNotEqualTo(found.mix().alpha(0, last));
    }
}
