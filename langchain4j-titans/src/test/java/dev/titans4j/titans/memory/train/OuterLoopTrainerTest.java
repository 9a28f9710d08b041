package dev.titans4j.titans.memory.train;

import static org.assertj.core.api.Assertions.assertThat;

import dev.titans4j.titans.memory.MemoryConfig;
import dev.titans4j.titans.memory.MemoryParameters;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The parameter file produced by {@code OuterLoopTrainer --dimension 32 --items 16 --generations 200 --seed 1}
 * must beat identity projections on synthetic recall episodes it never saw (a seed the trainer never uses).
 */
class OuterLoopTrainerTest {

    @Test
    void trainedProjectionsBeatIdentityOnHeldOutEpisodes() throws Exception {
        MemoryConfig config = MemoryConfig.builder().inputDimension(32).build();
        MemoryParameters trained = MemoryParameters.loadResource("/dev/titans4j/titans/memory/train/recall-d32.ttnp");
        trained.requireCompatible(config);
        OuterLoopTrainer harness = new OuterLoopTrainer(config, 16, 1);

        double[] identity = harness.accuracy(MemoryParameters.defaults(config), 60, new Random(424242));
        double[] learned = harness.accuracy(trained, 60, new Random(424242));

        assertThat(learned[0]).isGreaterThan(identity[0] + 0.1);
    }

    @Test
    void esImprovesTheTrainingObjectiveWithinAFewGenerations() {
        MemoryConfig config = MemoryConfig.builder().inputDimension(16).build();
        OuterLoopTrainer trainer = new OuterLoopTrainer(config, 8, 2);
        MemoryParameters start = MemoryParameters.defaults(config);
        MemoryParameters trained = trainer.train(start, 15, 8, 7);
        double before = trainer.fitness(start, new Random(99));
        double after = trainer.fitness(trained, new Random(99));
        assertThat(after).isGreaterThan(before);
    }
}
