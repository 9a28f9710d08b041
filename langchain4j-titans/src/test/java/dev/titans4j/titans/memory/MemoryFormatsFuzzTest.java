package dev.titans4j.titans.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.titans4j.titans.format.CorruptStateException;
import dev.titans4j.titans.format.Envelope;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Random;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * State and parameter payloads damaged behind a valid envelope (the checksum recomputed, as a buggy or hostile writer
 * would leave them): truncated at every byte, every byte flipped, huge dimensions, NaN values. Each is read, or
 * refused with one {@link CorruptStateException}; nothing else escapes, and no non-finite number is accepted.
 */
class MemoryFormatsFuzzTest {

    private static final MemoryConfig CONFIG = MemoryConfig.builder().inputDimension(6).expansion(2)
            .layerNorm(true).chunkSize(4).convolutionKernel(3).theta(GateSpec.dataDependent(0.3))
            .eta(GateSpec.dataDependent(0.9)).build();

    /** The payload of an envelope (codec and version are the caller's). */
    private static byte[] payload(byte[] envelope) {
        int nameLength = envelope[4] & 0xff;
        int start = 4 + 1 + nameLength + 4;
        return Arrays.copyOfRange(envelope, start, envelope.length - 8);
    }

    private static void fuzz(byte[] payload, String codec, int version, Consumer<byte[]> read) {
        int[] masks = {0x01, 0x80, 0xff};
        for (int n = 0; n <= payload.length; n++) {
            check(Envelope.wrap(codec, version, Arrays.copyOf(payload, n)), read, "truncated at " + n);
        }
        for (int i = 0; i < payload.length; i++) {
            byte[] damaged = payload.clone();
            damaged[i] ^= (byte) masks[i % masks.length];
            check(Envelope.wrap(codec, version, damaged), read, "byte " + i);
        }
    }

    private static void check(byte[] bytes, Consumer<byte[]> read, String what) {
        try {
            read.accept(bytes);
        } catch (CorruptStateException expected) {
            // the one allowed failure
        } catch (Throwable t) {
            throw new AssertionError(what + ": " + t, t);
        }
    }

    private static NeuralMemory memoryWithPartialChunk() {
        NeuralMemory memory = NeuralMemory.create(CONFIG);
        memory.write(KeyValueStreams.randomItems(new Random(9), 7, 6), null);
        return memory;
    }

    @Test
    void damaged_state_payloads_are_read_or_refused_and_never_hold_a_non_finite_value() {
        byte[] payload = payload(memoryWithPartialChunk().stateBytes());
        fuzz(payload, NeuralMemoryState.MAGIC, NeuralMemoryState.VERSION, bytes -> {
            NeuralMemoryState s = NeuralMemoryState.fromBytes(CONFIG, bytes);
            assertFinite(s);
        });
    }

    private static void assertFinite(NeuralMemoryState s) {
        for (double[][] rows : new double[][][] {s.weights, s.momentum, s.pendingX, s.pendingK, s.pendingV,
            s.historyK, s.historyV, s.historyQ, {s.pendingTheta}}) {
            for (double[] row : rows) {
                for (double v : row) {
                    assertThat(Double.isFinite(v)).as("restored value %s", v).isTrue();
                }
            }
        }
        assertThat(s.position).isGreaterThanOrEqualTo(s.pending);
    }

    @Test
    void a_nan_in_the_convolution_history_is_refused() {
        NeuralMemory memory = memoryWithPartialChunk();
        byte[] payload = payload(memory.stateBytes());
        // the last double of the payload is the newest history row's last query value
        ByteBuffer.wrap(payload).putDouble(payload.length - 8, Double.NaN);
        byte[] bytes = Envelope.wrap(NeuralMemoryState.MAGIC, NeuralMemoryState.VERSION, payload);
        assertThatThrownBy(() -> NeuralMemoryState.fromBytes(CONFIG, bytes))
                .isInstanceOf(CorruptStateException.class).hasMessageContaining("non-finite")
                .hasMessageContaining("history q");
    }

    @Test
    void damaged_parameter_payloads_are_read_or_refused() {
        byte[] payload = payload(MemoryParameters.defaults(CONFIG).toBytes());
        fuzz(payload, MemoryParameters.MAGIC, MemoryParameters.VERSION, MemoryParameters::fromBytes);
    }

    /** d·dk past 2^31 wrapped to a negative array length (or to a tiny one that passed). */
    @Test
    void parameter_dimensions_whose_product_overflows_are_refused() {
        for (int[] dims : new int[][] {{65536, 32768, 1, 0}, {65536, 65536, 1, 0}, {2, 1 << 30, 1, 0},
            {4, 4, 4, 1 << 30}}) {
            ByteBuffer b = ByteBuffer.allocate(4 * 6);
            int product = dims[0] * dims[1];
            b.putInt(dims[0]).putInt(dims[1]).putInt(dims[2]).putInt(dims[3]).putInt(1).putInt(product);
            byte[] bytes = Envelope.wrap(MemoryParameters.MAGIC, MemoryParameters.VERSION, b.array());
            assertThatThrownBy(() -> MemoryParameters.fromBytes(bytes)).as(Arrays.toString(dims))
                    .isInstanceOf(CorruptStateException.class).hasMessageContaining("memory parameter file");
        }
    }
}
