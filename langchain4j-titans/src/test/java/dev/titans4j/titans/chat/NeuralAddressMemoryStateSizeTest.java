package dev.titans4j.titans.chat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.titans4j.titans.memory.MemoryConfig;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The chat defaults fix η at 0, so their persisted neural state holds the weights once (no momentum buffer): about
 * 8 bytes per weight plus the small partial-chunk and convolution parts.
 */
class NeuralAddressMemoryStateSizeTest {

    @Test
    void defaultMemoriesPersistTheirWeightsWithoutMomentum() {
        assertWeightsOnly(NeuralAddressMemory.defaultConfig(384), 0);
        assertWeightsOnly(NeuralAddressMemory.withContext(NeuralAddressMemory.defaultContextConfig(384)), 0.5);
    }

    private static void assertWeightsOnly(MemoryConfig config, double contextWeight) {
        NeuralAddressMemory memory = new NeuralAddressMemory(config, contextWeight);
        Random rnd = new Random(1);
        for (int i = 0; i < 3; i++) {
            float[] e = new float[config.keyDimension()];
            for (int j = 0; j < e.length; j++) {
                e[j] = (float) rnd.nextGaussian();
            }
            memory.write(e, true);
        }
        byte[] state = memory.stateBytes();
        long weightBytes = 8L * config.memoryWeightCount();
        assertThat((long) state.length).isBetween(weightBytes, weightBytes + 64 * 1024);
        long start = System.nanoTime();
        memory.stateBytes();
        System.out.printf("state of %s: %d bytes for %d weights, stateBytes() %.2f ms%n", config.describe(),
                state.length, config.memoryWeightCount(), (System.nanoTime() - start) / 1e6);
    }
}
