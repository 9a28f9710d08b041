package dev.titans4j.t2.svf.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.titans4j.t2.OnnxChatEngine;
import dev.titans4j.t2.TestModels;
import dev.titans4j.t2.engine.EngineOptions;
import dev.titans4j.t2.svf.SvfAdapter;
import dev.titans4j.t2.svf.SvfExpert;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ES trainer on stories260K, tiny settings: it raises a reward within a fixed budget, checkpoints, and resumes
 * exactly.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EsTrainerTest {

    @TempDir
    static Path dir;

    private OnnxChatEngine engine;
    private SvfAdapter adapter;
    private final Reward mentionsShe = (prompt, completion) -> completion.split("\\bshe\\b|\\bShe\\b", -1).length - 1;

    @BeforeAll
    void load() {
        engine = OnnxChatEngine.load(TestModels.stories260K(), EngineOptions.defaults().withIntraOpThreads(1));
        adapter = SvfAdapter.forEngine(engine);
    }

    @AfterAll
    void close() {
        if (engine != null) { // null when @BeforeAll skipped for missing shared data
            engine.close();
        }
    }

    private EsTrainer.Builder trainer() {
        return EsTrainer.builder().engine(engine).adapter(adapter).reward(mentionsShe)
                .prompts(List.of("Once upon a time", "Lily")).pairs(2).maxOutputTokens(12).sigma(0.2)
                .learningRate(0.1).seed(9);
    }

    @Test
    void a_resumed_run_equals_an_uninterrupted_one() {
        SvfExpert start = SvfExpert.identity("she", adapter.singularValues());
        ByteArrayOutputStream bar = new ByteArrayOutputStream();
        EsTrainer.Result straight = trainer().iterations(4).checkpointDir(dir.resolve("a")).checkpointEvery(2)
                .progress(new PrintStream(bar, true, StandardCharsets.UTF_8)).build().train(start);
        assertThat(straight.rewardHistory()).hasSize(4);
        assertThat(bar.toString(StandardCharsets.UTF_8)).contains("4/4").contains("reward");

        trainer().iterations(2).checkpointDir(dir.resolve("b")).build().train(start);
        EsTrainer.Result resumed = trainer().iterations(4).checkpointDir(dir.resolve("b")).build().train(start);
        assertThat(resumed.rewardHistory()).containsExactlyElementsOf(straight.rewardHistory());
        straight.expert().values().forEach((w, v) -> assertThat(resumed.expert().values().get(w)).containsExactly(v));

        boolean moved = straight.expert().values().values().stream()
                .anyMatch(v -> Math.abs(v[0] - 1f) > 1e-6);
        assertThat(moved).as("training changed the expert").isTrue();
    }

    /**
     * A checkpoint whose state file cannot be written (a full disk, a crash between the two files) must leave the
     * previous checkpoint whole: resuming then repeats the lost iterations from the previous expert and ends where an
     * uninterrupted run ends. Here the state's temporary file is blocked by a folder of its name from iteration 3 on,
     * so the checkpoint after iteration 4 fails after its expert was written.
     */
    @Test
    void a_checkpoint_that_fails_half_way_still_resumes_exactly() throws Exception {
        SvfExpert start = SvfExpert.identity("she", adapter.singularValues());
        EsTrainer.Result straight = trainer().iterations(4).build().train(start);

        Path folder = dir.resolve("half");
        Path blocker = folder.resolve(TrainerState.FILE + ".tmp");
        int[] calls = {0};
        Reward blocking = (prompt, completion) -> {
            if (++calls[0] == 17) { // first reward of iteration 3: iterations 1-2 (8 rewards each) are checkpointed
                try {
                    java.nio.file.Files.createDirectories(blocker.resolve("x"));
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }
            return mentionsShe.score(prompt, completion);
        };
        assertThatThrownBy(() -> trainer().reward(blocking).iterations(4).checkpointDir(folder).checkpointEvery(2)
                .build().train(start)).isInstanceOf(java.io.UncheckedIOException.class);
        assertThat(calls[0]).isEqualTo(32);
        java.nio.file.Files.delete(blocker.resolve("x"));
        java.nio.file.Files.delete(blocker);

        EsTrainer.Result resumed = trainer().iterations(4).checkpointDir(folder).build().train(start);
        assertThat(resumed.rewardHistory()).containsExactlyElementsOf(straight.rewardHistory());
        straight.expert().values().forEach((w, v) -> assertThat(resumed.expert().values().get(w)).containsExactly(v));
        try (var files = java.nio.file.Files.list(folder)) {
            assertThat(files.map(f -> f.getFileName().toString())).containsExactlyInAnyOrder(
                    "expert-4.safetensors", "expert-latest.safetensors", TrainerState.FILE);
        }
    }

    @Test
    void a_checkpoint_of_another_seed_is_refused() {
        SvfExpert start = SvfExpert.identity("she", adapter.singularValues());
        trainer().iterations(1).checkpointDir(dir.resolve("c")).build().train(start);
        assertThatThrownBy(() -> trainer().seed(10).iterations(2).checkpointDir(dir.resolve("c")).build()
                .train(start)).hasMessageContaining("seed 9");
    }

    /**
     * A synthetic reward over the real model, the share of the letter 'e' in 16-token completions, rises within a
     * fixed budget (20 iterations × 4 pairs × 4 prompts, seconds). Measured with greedy decoding, which is
     * deterministic: a no-op trainer would return the start and score exactly {@code before}; random steps of the
     * trained expert's size from the start (four fixed directions) stay below the trained expert too.
     */
    @Test
    void es_raises_a_reward_within_a_fixed_budget_beyond_no_op_and_random_steps() {
        Reward letterE = (prompt, completion) -> completion.chars().filter(c -> c == 'e').count()
                / (double) Math.max(1, completion.length());
        List<String> prompts = List.of("Once upon a time", "Lily", "Tom had a", "One day");
        SvfExpert start = SvfExpert.identity("e", adapter.singularValues());
        EsTrainer.Result trained = EsTrainer.builder().engine(engine).adapter(adapter).reward(letterE).prompts(prompts)
                .pairs(4).iterations(20).maxOutputTokens(16).sigma(0.3).learningRate(0.3).seed(4).build()
                .train(start);

        EsTrainer greedy = EsTrainer.builder().engine(engine).adapter(adapter).reward(letterE).prompts(prompts)
                .maxOutputTokens(16).temperature(0).build();
        double before = greedy.meanReward(start);
        double after = greedy.meanReward(trained.expert());
        assertThat(after).as("trained vs start " + before).isGreaterThan(1.5 * before);
        double size = distanceFromStart(trained.expert());
        for (long direction = 0; direction < 4; direction++) {
            SvfExpert random = randomStep(start, size, direction);
            assertThat(greedy.meanReward(random)).as("random step " + direction).isLessThan(after);
        }
    }

    private static double distanceFromStart(SvfExpert expert) {
        double sum = 0;
        for (float[] v : expert.values().values()) {
            for (float x : v) {
                sum += (x - 1) * (x - 1);
            }
        }
        return Math.sqrt(sum);
    }

    /** The start moved by {@code size} in a seeded random direction (z kept non-negative, as the trainer does). */
    private static SvfExpert randomStep(SvfExpert start, double size, long seed) {
        Random random = new Random(100 + seed);
        Map<String, double[]> direction = new LinkedHashMap<>();
        double norm = 0;
        for (Map.Entry<String, float[]> e : start.values().entrySet()) {
            double[] d = new double[e.getValue().length];
            for (int i = 0; i < d.length; i++) {
                d[i] = random.nextGaussian();
                norm += d[i] * d[i];
            }
            direction.put(e.getKey(), d);
        }
        double scale = size / Math.sqrt(norm);
        Map<String, float[]> values = new LinkedHashMap<>();
        direction.forEach((w, d) -> {
            float[] v = start.values().get(w).clone();
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) Math.max(0, v[i] + scale * d[i]);
            }
            values.put(w, v);
        });
        return start.withValues(values);
    }

    @Test
    void centred_ranks_span_minus_half_to_half_and_share_ties() {
        double[] r = EsTrainer.centredRanks(new double[] {3, 1}, new double[] {1, 5});
        assertThat(r).containsExactly(new double[] {1.0 / 6, -1.0 / 3, -1.0 / 3, 0.5}, within(1e-12));
    }
}
