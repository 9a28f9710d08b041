package dev.titans4j.titans.memory;

import dev.titans4j.titans.format.CorruptStateException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * TTNS version 2: the momentum S is not stored when η is fixed 0, and saving then continuing is bit-identical to
 * never saving; version 1 states (momentum always stored) are still read.
 */
class MomentumFreeStateTest {

    private static final int D = 6;

    private static MemoryConfig config(boolean deep, GateSpec eta) {
        MemoryConfig.Builder b = MemoryConfig.builder().inputDimension(D).chunkSize(5).convolutionKernel(2)
                .theta(GateSpec.fixed(0.3)).eta(eta).alpha(GateSpec.fixed(0.02));
        return (deep ? b.layers(2).expansion(2) : b.linear()).build();
    }

    private static boolean[] mask(int n) {
        boolean[] mask = new boolean[n];
        for (int i = 0; i < n; i++) {
            mask[i] = i % 5 != 2;
        }
        return mask;
    }

    /** Writes N items, saves, restores, writes M more in both; the two must agree bit for bit. */
    private static void assertSaveAndContinueIsLossless(MemoryConfig config) {
        double[][] first = KeyValueStreams.randomItems(new Random(31), 13, D); // 13 = 2 chunks + 3 pending
        double[][] more = KeyValueStreams.randomItems(new Random(32), 17, D);
        NeuralMemory never = NeuralMemory.create(config);
        never.write(first, mask(first.length));
        byte[] saved = never.stateBytes();
        NeuralMemory restored = NeuralMemory.restore(config, never.parameters(), saved);
        assertThat(restored.state()).isEqualTo(never.state());

        never.write(more, mask(more.length));
        restored.write(more, mask(more.length));
        never.flush();
        restored.flush();
        assertThat(bits(restored.state().weights())).containsExactly(bits(never.state().weights()));
        assertThat(bits(restored.state().momentum())).containsExactly(bits(never.state().momentum()));
        for (double[] q : more) {
            assertThat(bits(restored.read(q))).containsExactly(bits(never.read(q)));
        }
        assertThat(restored.stateBytes()).isEqualTo(never.stateBytes());
    }

    /** Bit patterns, so that +0 and −0 count as different. */
    private static long[] bits(double[] v) {
        return Arrays.stream(v).mapToLong(Double::doubleToRawLongBits).toArray();
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void withEtaFixedZeroTheMomentumIsOmittedAndContinuingIsBitIdentical(boolean deep) {
        MemoryConfig config = config(deep, GateSpec.fixed(0));
        assertSaveAndContinueIsLossless(config);

        // the state is exactly one float64 array (4 + 8·count bytes) shorter than with momentum
        MemoryConfig withMomentum = config.toBuilder().eta(GateSpec.fixed(0.5)).build();
        NeuralMemory a = NeuralMemory.create(config);
        NeuralMemory b = NeuralMemory.create(withMomentum);
        double[][] xs = KeyValueStreams.randomItems(new Random(33), 8, D);
        a.write(xs, null);
        b.write(xs, null);
        assertThat(b.stateBytes().length - a.stateBytes().length).isEqualTo(4 + 8 * config.memoryWeightCount());
        assertThat(flags(a.stateBytes())).isEqualTo(NeuralMemoryState.MOMENTUM_OMITTED);
        assertThat(flags(b.stateBytes())).isZero();
        assertThat(a.state().momentum()).containsOnly(0.0);
    }

    /**
     * The η = 0 update skips the momentum; the general update with η = 1e-300 (whose momentum terms vanish below
     * the rounding of the weights) must give the same weights, through full four-item groups and remainders.
     */
    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void theUpdateWithoutMomentumMatchesTheGeneralUpdateAtVanishingEta(boolean deep) {
        MemoryConfig zero = config(deep, GateSpec.fixed(0));
        MemoryConfig tiny = zero.toBuilder().eta(GateSpec.fixed(1e-300)).build();
        double[][] xs = KeyValueStreams.randomItems(new Random(38), 23, D);
        NeuralMemory a = NeuralMemory.create(zero);
        NeuralMemory b = NeuralMemory.create(tiny);
        a.write(xs, mask(xs.length));
        b.write(xs, mask(xs.length));
        a.flush();
        b.flush();
        assertThat(a.state().weights()).containsExactly(b.state().weights());
        assertThat(a.state().weights()).isNotEqualTo(NeuralMemory.create(zero).state().weights());
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void withMomentumTheMomentumIsStoredAndContinuingIsBitIdentical(boolean deep) {
        for (GateSpec eta : new GateSpec[] {GateSpec.fixed(0.7), GateSpec.dataDependent(0.9)}) {
            MemoryConfig config = config(deep, eta);
            assertSaveAndContinueIsLossless(config);
            NeuralMemory m = NeuralMemory.create(config);
            m.write(KeyValueStreams.randomItems(new Random(34), 9, D), null);
            NeuralMemoryState parsed = NeuralMemoryState.fromBytes(config, m.stateBytes());
            assertThat(parsed.momentum()).containsExactly(m.state().momentum());
            assertThat(Arrays.stream(parsed.momentum()).anyMatch(v -> v != 0)).isTrue();
        }
    }

    @Test
    void aStateWithoutMomentumIsRefusedWhereEtaIsNotFixedZero() {
        MemoryConfig etaZero = config(true, GateSpec.fixed(0));
        NeuralMemory m = NeuralMemory.create(etaZero);
        m.write(KeyValueStreams.randomItems(new Random(35), 5, D), null);
        byte[] bytes = m.stateBytes();
        for (GateSpec eta : new GateSpec[] {GateSpec.fixed(0.5), GateSpec.dataDependent(0.9)}) {
            assertThatThrownBy(() -> NeuralMemoryState.fromBytes(etaZero.toBuilder().eta(eta).build(), bytes))
                    .isInstanceOf(CorruptStateException.class)
                    .hasMessageContaining("omits the momentum S")
                    .hasMessageContaining("η is " + eta);
        }
    }

    @Test
    void unknownFlagsAndTruncationAroundTheFlagsAreNamed() {
        MemoryConfig config = config(false, GateSpec.fixed(0));
        NeuralMemory m = NeuralMemory.create(config);
        m.write(KeyValueStreams.randomItems(new Random(36), 4, D), null);
        byte[] payload = payload(m.stateBytes());

        byte[] unknown = payload.clone();
        ByteBuffer.wrap(unknown).putInt(FLAGS_OFFSET, 0x3);
        assertThatThrownBy(() -> NeuralMemoryState.fromBytes(config, reframe(unknown, 2)))
                .isInstanceOf(CorruptStateException.class)
                .hasMessageContaining("unknown flags 0x3");

        assertThatThrownBy(() -> NeuralMemoryState.fromBytes(config, reframe(Arrays.copyOf(payload, FLAGS_OFFSET + 2), 2)))
                .isInstanceOf(CorruptStateException.class)
                .hasMessageContaining("truncated at field flags");
        int insideWeights = FLAGS_OFFSET + 4 + 8 + 4 + 16;
        assertThatThrownBy(() -> NeuralMemoryState.fromBytes(config,
                reframe(Arrays.copyOf(payload, insideWeights), 2)))
                .isInstanceOf(CorruptStateException.class)
                .hasMessageContaining("truncated inside field weights");
    }

    @Test
    void aVersionOneLayoutIsStillRead() {
        // the version 1 layout built here from a version 2 state: no flags field, momentum always present
        MemoryConfig config = config(true, GateSpec.dataDependent(0.9));
        NeuralMemory m = NeuralMemory.create(config);
        m.write(KeyValueStreams.randomItems(new Random(37), 7, D), null);
        byte[] v2 = payload(m.stateBytes());
        byte[] v1 = new byte[v2.length - 4];
        System.arraycopy(v2, 0, v1, 0, FLAGS_OFFSET);
        System.arraycopy(v2, FLAGS_OFFSET + 4, v1, FLAGS_OFFSET, v2.length - FLAGS_OFFSET - 4);
        assertThat(NeuralMemoryState.fromBytes(config, reframe(v1, 1))).isEqualTo(m.state());
    }

    /** Fixtures written by the version 1 writer (commit e6b5c37) before version 2 existed. */
    @Test
    void versionOneFixturesAreReadAndContinueLikeAFreshMemory() throws IOException {
        MemoryConfig etaZero = MemoryConfig.builder().inputDimension(6).expansion(2).layers(2).chunkSize(4)
                .convolutionKernel(3).theta(GateSpec.fixed(0.3)).eta(GateSpec.fixed(0)).alpha(GateSpec.fixed(0.02))
                .build();
        MemoryConfig etaData = MemoryConfig.builder().inputDimension(6).expansion(2).layerNorm(true).chunkSize(4)
                .convolutionKernel(4).theta(GateSpec.dataDependent(0.3)).eta(GateSpec.dataDependent(0.9)).build();
        assertFixtureMatchesFreshMemory("state-v1-eta0.ttns", etaZero, 21);
        assertFixtureMatchesFreshMemory("state-v1-eta-data.ttns", etaData, 22);
    }

    private static void assertFixtureMatchesFreshMemory(String fixture, MemoryConfig config, long seed)
            throws IOException {
        byte[] v1 = resource(fixture);
        assertThat(ByteBuffer.wrap(v1).getInt(4)).isEqualTo(1);
        NeuralMemory fresh = NeuralMemory.create(config);
        fresh.write(KeyValueStreams.randomItems(new Random(seed), 11, 6), null);
        NeuralMemory restored = NeuralMemory.restore(config, fresh.parameters(), v1);
        assertThat(restored.state()).isEqualTo(fresh.state());
        assertThat(restored.state().pendingItems()).isEqualTo(3);

        double[][] more = KeyValueStreams.randomItems(new Random(seed + 100), 9, 6);
        fresh.write(more, null);
        restored.write(more, null);
        assertThat(restored.stateBytes()).isEqualTo(fresh.stateBytes());
        assertThat(restored.read(more[0])).containsExactly(fresh.read(more[0]));
    }

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = MomentumFreeStateTest.class.getResourceAsStream(name)) {
            assertThat(in).as(name).isNotNull();
            return in.readAllBytes();
        }
    }

    /** Payload offset of the flags: fingerprint (8) and six int32 fields. */
    private static final int FLAGS_OFFSET = 8 + 6 * 4;

    private static int flags(byte[] state) {
        return ByteBuffer.wrap(payload(state)).getInt(FLAGS_OFFSET);
    }

    private static byte[] payload(byte[] enveloped) {
        return LegacyFrames.payload(enveloped, NeuralMemoryState.MAGIC);
    }

    private static byte[] reframe(byte[] payload, int version) {
        return LegacyFrames.frame(NeuralMemoryState.MAGIC, version, payload);
    }
}
