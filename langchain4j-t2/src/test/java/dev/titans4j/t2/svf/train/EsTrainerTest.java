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
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** The ES trainer on stories260K, tiny settings: it moves the expert, checkpoints, and resumes exactly. */
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

    @Test
    void a_checkpoint_of_another_seed_is_refused() {
        SvfExpert start = SvfExpert.identity("she", adapter.singularValues());
        trainer().iterations(1).checkpointDir(dir.resolve("c")).build().train(start);
        assertThatThrownBy(() -> trainer().seed(10).iterations(2).checkpointDir(dir.resolve("c")).build()
                .train(start)).hasMessageContaining("seed 9");
    }

    @Test
    void centred_ranks_span_minus_half_to_half_and_share_ties() {
        double[] r = EsTrainer.centredRanks(new double[] {3, 1}, new double[] {1, 5});
        assertThat(r).containsExactly(new double[] {1.0 / 6, -1.0 / 3, -1.0 / 3, 0.5}, within(1e-12));
    }
}
