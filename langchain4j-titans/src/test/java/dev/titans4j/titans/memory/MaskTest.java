package dev.titans4j.titans.memory;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** Masked items (θ = 0) are not memorised: only momentum decay and forgetting act, exactly as the rule says. */
class MaskTest {

    private static NeuralMemory primedMemory(MemoryConfig config, Random rnd) {
        NeuralMemory memory = NeuralMemory.create(config, MemoryParameters.defaults(config)
                .withInitialMemory(KeyValueStreams.randomVector(rnd, config.memoryWeightCount(), 0.3)));
        memory.write(KeyValueStreams.randomItems(rnd, config.chunkSize() * 3, config.inputDimension()), null);
        return memory;
    }

    @Test
    void maskedItemsOnlyDecayMomentumAndForget() {
        double eta = 0.8;
        double alpha = 0.05;
        MemoryConfig config = MemoryConfig.builder().inputDimension(5).expansion(2).chunkSize(1)
                .theta(GateSpec.fixed(0.2)).eta(GateSpec.fixed(eta)).alpha(GateSpec.fixed(alpha)).build();
        Random rnd = new Random(5);
        NeuralMemory memory = primedMemory(config, rnd);
        double[] m = memory.state().weights();
        double[] s = memory.state().momentum();
        assertThat(KeyValueStreams.dot(s, s)).isGreaterThan(0);

        int count = 7;
        memory.write(KeyValueStreams.randomItems(rnd, count, 5), new boolean[count]);

        for (int t = 0; t < count; t++) { // the rule with θ = 0, in the engine's operation order
            for (int i = 0; i < m.length; i++) {
                double sOld = s[i];
                m[i] = (1 - alpha) * m[i] + eta * sOld;
                s[i] = eta * sOld;
            }
        }
        assertThat(memory.state().weights()).containsExactly(m);
        assertThat(memory.state().momentum()).containsExactly(s);
    }

    @Test
    void withoutMomentumAndForgettingAMaskedItemChangesNothingButThePosition() {
        MemoryConfig config = MemoryConfig.builder().inputDimension(5).chunkSize(4).theta(GateSpec.fixed(0.3))
                .eta(GateSpec.fixed(0)).alpha(GateSpec.fixed(0)).build();
        Random rnd = new Random(6);
        NeuralMemory memory = primedMemory(config, rnd);
        double[] before = memory.state().weights();
        long position = memory.position();

        WriteResult r = memory.write(KeyValueStreams.randomItems(rnd, 8, 5), new boolean[8]);

        assertThat(memory.state().weights()).containsExactly(before);
        assertThat(java.util.Arrays.stream(memory.state().momentum()).map(Math::abs).max().getAsDouble()).isZero();
        assertThat(memory.position()).isEqualTo(position + 8);
        assertThat(java.util.Arrays.stream(r.surprises()).min().getAsDouble()).isPositive(); // surprise is still reported
    }

    @Test
    void aDivergingMemoryRefusesTheChunkInsteadOfStoringNonFiniteWeights() {
        MemoryConfig config = MemoryConfig.builder().inputDimension(4).linear().chunkSize(2).theta(GateSpec.fixed(1e6))
                .projectionActivation(false).normalizeQueryKey(false).build();
        NeuralMemory memory = NeuralMemory.create(config);
        double[][] big = KeyValueStreams.randomItems(new Random(8), 40, 4);
        for (double[] x : big) {
            for (int i = 0; i < 4; i++) {
                x[i] *= 50;
            }
        }
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> memory.write(big, null))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("neural memory diverged");
        assertThat(java.util.Arrays.stream(memory.state().weights()).allMatch(Double::isFinite)).isTrue();
        assertThat(java.util.Arrays.stream(memory.state().momentum()).allMatch(Double::isFinite)).isTrue();
    }

    @Test
    void whatAMaskedItemContainsDoesNotMatter() {
        MemoryConfig config = MemoryConfig.builder().inputDimension(5).expansion(2).chunkSize(3)
                .theta(GateSpec.dataDependent(0.3)).build();
        Random rnd = new Random(7);
        double[][] a = KeyValueStreams.randomItems(rnd, 12, 5);
        double[][] b = new double[12][];
        boolean[] mask = new boolean[12];
        for (int i = 0; i < 12; i++) {
            mask[i] = i % 4 != 1;
            b[i] = mask[i] ? a[i].clone() : KeyValueStreams.randomVector(rnd, 5, 3.0);
        }
        NeuralMemory first = NeuralMemory.create(config);
        NeuralMemory second = NeuralMemory.create(config);
        first.write(a, mask);
        second.write(b, mask);
        assertThat(second.state().weights()).containsExactly(first.state().weights());
        assertThat(second.state().momentum()).containsExactly(first.state().momentum());

        NeuralMemory unmasked = NeuralMemory.create(config);
        unmasked.write(a, null);
        assertThat(unmasked.state().weights()).isNotEqualTo(first.state().weights());
    }
}
