package dev.titans4j.titans.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.titans4j.titans.format.CorruptStateException;
import dev.titans4j.titans.format.Envelope;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** State and parameter files: exact round trips and a named error for every kind of bad input. */
class SerializationTest {

    private static final MemoryConfig CONFIG = MemoryConfig.builder().inputDimension(6).expansion(2)
            .layerNorm(true).chunkSize(4).convolutionKernel(4).theta(GateSpec.dataDependent(0.3))
            .eta(GateSpec.dataDependent(0.9)).build();

    private static NeuralMemory memoryWithPartialChunk() {
        NeuralMemory memory = NeuralMemory.create(CONFIG);
        boolean[] mask = {true, false, true, true, true, true, true, true, false, true, true};
        memory.write(KeyValueStreams.randomItems(new Random(9), 11, 6), mask);
        return memory;
    }

    @Test
    void stateRoundTripIsExactAndContinuesIdentically() {
        NeuralMemory original = memoryWithPartialChunk();
        assertThat(original.state().pendingItems()).isEqualTo(3);
        byte[] bytes = original.stateBytes();

        NeuralMemoryState parsed = NeuralMemoryState.fromBytes(CONFIG, bytes);
        assertThat(parsed).isEqualTo(original.state());
        assertThat(parsed.toBytes()).isEqualTo(bytes);

        NeuralMemory restored = NeuralMemory.restore(CONFIG, original.parameters(), bytes);
        double[][] more = KeyValueStreams.randomItems(new Random(10), 9, 6);
        original.write(more, null);
        restored.write(more, null);
        assertThat(restored.state()).isEqualTo(original.state());
        assertThat(restored.read(more[0])).containsExactly(original.read(more[0]));
    }

    @Test
    void corruptedStateIsRejected() {
        byte[] bytes = memoryWithPartialChunk().stateBytes();
        bytes[bytes.length / 2] ^= 0x10;
        assertThatThrownBy(() -> NeuralMemoryState.fromBytes(CONFIG, bytes))
                .isInstanceOf(CorruptStateException.class)
                .hasMessageContaining("neural memory state is corrupted: CRC32C mismatch");
    }

    @Test
    void truncatedStateIsRejected() {
        byte[] bytes = memoryWithPartialChunk().stateBytes();
        assertThatThrownBy(() -> NeuralMemoryState.fromBytes(CONFIG, Arrays.copyOf(bytes, bytes.length - 1)))
                .isInstanceOf(CorruptStateException.class)
                .hasMessageContaining("neural memory state is truncated or has trailing bytes");
        assertThatThrownBy(() -> NeuralMemoryState.fromBytes(CONFIG, Arrays.copyOf(bytes, 7)))
                .hasMessageContaining("is truncated: 7 bytes cannot hold a header and a footer");
        assertThatThrownBy(() -> NeuralMemoryState.fromBytes(CONFIG, new byte[0]))
                .hasMessageContaining("truncated: 0 bytes");
    }

    @Test
    void foreignDataIsRejected() {
        byte[] png = "\u0089PNG\r\n\u001a\n plus some more bytes".getBytes(StandardCharsets.ISO_8859_1);
        assertThatThrownBy(() -> NeuralMemoryState.fromBytes(CONFIG, png))
                .isInstanceOf(CorruptStateException.class)
                .hasMessageContaining("neural memory state is not a titans4j TTNS (bad header magic)");
        byte[] parameters = MemoryParameters.defaults(CONFIG).toBytes();
        assertThatThrownBy(() -> NeuralMemoryState.fromBytes(CONFIG, parameters))
                .hasMessageContaining("is a 'TTNP', not a 'TTNS'");
    }

    @Test
    void newerFormatVersionIsRejected() {
        byte[] payload = LegacyFrames.payload(memoryWithPartialChunk().stateBytes(), NeuralMemoryState.MAGIC);
        byte[] newer = Envelope.wrap(NeuralMemoryState.MAGIC, NeuralMemoryState.VERSION + 1, payload);
        assertThatThrownBy(() -> NeuralMemoryState.fromBytes(CONFIG, newer))
                .isInstanceOf(CorruptStateException.class)
                .hasMessageContaining("format version 4, too new: this library reads version 3; upgrade titans4j");
    }

    @Test
    void theFramedVersionTwoIsStillReadAndAnUnknownFramedVersionIsNamed() {
        NeuralMemory memory = memoryWithPartialChunk();
        byte[] payload = LegacyFrames.payload(memory.stateBytes(), NeuralMemoryState.MAGIC);
        assertThat(NeuralMemoryState.fromBytes(CONFIG, LegacyFrames.frame("TTNS", 2, payload)))
                .isEqualTo(memory.state());
        assertThatThrownBy(() -> NeuralMemoryState.fromBytes(CONFIG, LegacyFrames.frame("TTNS", 3, payload)))
                .isInstanceOf(CorruptStateException.class)
                .hasMessageContaining("format version 3, newer than the supported version 2");
    }

    @Test
    void aFloat32StateHalvesTheBytesAndContinuesBitIdentically() {
        MemoryConfig config = CONFIG.toBuilder().float32State(true).build();
        NeuralMemory live = NeuralMemory.create(config);
        double[][] first = KeyValueStreams.randomItems(new Random(21), 13, 6);
        live.write(first, null);
        for (double w : live.state().weights()) {
            assertThat((double) (float) w).isEqualTo(w);
        }
        byte[] bytes = live.stateBytes();
        assertThat(bytes.length).isLessThan(memoryWithPartialChunk().stateBytes().length);
        NeuralMemory restored = NeuralMemory.restore(config, live.parameters(), bytes);
        double[][] more = KeyValueStreams.randomItems(new Random(22), 9, 6);
        live.write(more, null);
        restored.write(more, null);
        assertThat(restored.state()).isEqualTo(live.state());
        assertThatThrownBy(() -> NeuralMemoryState.fromBytes(CONFIG, bytes))
                .isInstanceOf(CorruptStateException.class)
                .hasMessageContaining("written in float32 but this memory's float32State is false");
    }

    @Test
    void stateOfAnotherConfigurationIsRejected() {
        byte[] bytes = memoryWithPartialChunk().stateBytes();
        MemoryConfig otherChunk = CONFIG.toBuilder().chunkSize(8).build();
        assertThatThrownBy(() -> NeuralMemoryState.fromBytes(otherChunk, bytes))
                .isInstanceOf(CorruptStateException.class)
                .hasMessageContaining("written for another memory configuration")
                .hasMessageContaining("chunk=4")
                .hasMessageContaining("chunk=8");
        MemoryConfig otherGate = CONFIG.toBuilder().theta(GateSpec.fixed(0.3)).build();
        assertThatThrownBy(() -> NeuralMemoryState.fromBytes(otherGate, bytes))
                .isInstanceOf(CorruptStateException.class)
                .hasMessageContaining("written for another memory configuration: fingerprint");
    }

    @Test
    void parametersRoundTripThroughAFile(@TempDir Path dir) throws Exception {
        Random rnd = new Random(3);
        MemoryParameters p = MemoryParameters.defaults(CONFIG)
                .withGates(KeyValueStreams.randomVector(rnd, 6, 1), 0.5, KeyValueStreams.randomVector(rnd, 6, 1),
                        -0.25, KeyValueStreams.randomVector(rnd, 6, 1), 1.5)
                .withProjections(KeyValueStreams.randomVector(rnd, 36, 1), KeyValueStreams.randomVector(rnd, 36, 1),
                        KeyValueStreams.randomVector(rnd, 36, 1));
        Path file = dir.resolve("memory.ttnp");
        p.save(file);
        MemoryParameters loaded = MemoryParameters.load(file);
        assertThat(loaded.toBytes()).isEqualTo(p.toBytes());

        // same behaviour, not just same bytes
        double[][] xs = KeyValueStreams.randomItems(rnd, 10, 6);
        NeuralMemory a = NeuralMemory.create(CONFIG, p);
        NeuralMemory b = NeuralMemory.create(CONFIG, loaded);
        a.write(xs, null);
        b.write(xs, null);
        assertThat(b.state()).isEqualTo(a.state());
    }

    @Test
    void badParameterFilesAreRejected() {
        byte[] bytes = MemoryParameters.defaults(CONFIG).toBytes();
        byte[] flipped = bytes.clone();
        flipped[40] ^= 1;
        assertThatThrownBy(() -> MemoryParameters.fromBytes(flipped))
                .hasMessageContaining("memory parameter file is corrupted: CRC32C mismatch");
        assertThatThrownBy(() -> MemoryParameters.fromBytes(Arrays.copyOf(bytes, 100)))
                .hasMessageContaining("memory parameter file is truncated");
        assertThatThrownBy(() -> MemoryParameters.fromBytes(memoryWithPartialChunk().stateBytes()))
                .hasMessageContaining("memory parameter file is a 'TTNS', not a 'TTNP'");
        byte[] versionOne = LegacyFrames.frame("TTNP", 1, LegacyFrames.payload(bytes, "TTNP"));
        assertThat(MemoryParameters.fromBytes(versionOne).toBytes()).isEqualTo(bytes);
        MemoryConfig wider = CONFIG.toBuilder().inputDimension(8).keyDimension(6).build();
        MemoryParameters parsed = MemoryParameters.fromBytes(bytes);
        assertThatThrownBy(() -> NeuralMemory.create(wider, parsed))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("parameters are for input dimension 6 but the memory config has 8");
    }

    @Test
    void invalidConfigurationsNameTheProblem() {
        assertThatThrownBy(() -> MemoryConfig.builder().build())
                .hasMessageContaining("inputDimension must be > 0");
        assertThatThrownBy(() -> MemoryConfig.builder().inputDimension(4).valueDimension(3).build())
                .hasMessageContaining("residual memory needs keyDimension == valueDimension");
        assertThatThrownBy(() -> MemoryConfig.builder().inputDimension(4).chunkSize(0).build())
                .hasMessageContaining("chunkSize must be >= 1");
        assertThatThrownBy(() -> GateSpec.fixed(-1)).hasMessageContaining("must be finite and >= 0");
        NeuralMemory memory = NeuralMemory.create(MemoryConfig.builder().inputDimension(4).build());
        assertThatThrownBy(() -> memory.write(new double[][] {{1, 2, 3}}, null))
                .hasMessageContaining("item 0 has dimension 3, expected 4");
        assertThatThrownBy(() -> memory.write(new double[][] {{1, 2, Double.NaN, 4}}, null))
                .hasMessageContaining("item 0 has a non-finite value at index 2");
        assertThatThrownBy(() -> memory.write(new double[][] {{1, 2, 3, 4}}, new boolean[2]))
                .hasMessageContaining("mask has 2 entries but there are 1 items");
    }
}
