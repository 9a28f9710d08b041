package dev.titans4j.export.hf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

/**
 * Longrope tables derived by hand from transformers' {@code _compute_longrope_parameters}
 * ({@code inv_freq = 1 / (ext_factors * base ** (arange(0, dim, 2) / dim))}, attention factor
 * {@code sqrt(1 + log(factor) / log(original_max_position_embeddings))}), on bases chosen so that
 * {@code base^(2i/dim) = 10^i}: 10^4 over rotary dim 8 and 10^6 over rotary dim 12 (Phi-4-mini's partial factor 0.75
 * of head_dim 16). The same tables as transformers 5.17 computed them for the committed fixtures (its
 * {@code Phi3RotaryEmbedding} after the longrope update at positions 15 and 16) are checked too.
 */
class LongRopeTest {

    private static final Offset<Double> EXACT = within(1e-15);

    @Test
    void fullRotaryDim8OnBase10k() {
        LongRope rope = new LongRope(new double[] {1, 2, 4, 5}, new double[] {3, 5, 8, 10}, 16,
                LongRope.defaultAttentionFactor(64.0 / 16, 16));
        assertClose(rope.inverseFrequencies(1e4, 8, false), new double[] {1, 1 / 20.0, 1 / 400.0, 1 / 5000.0});
        assertClose(rope.inverseFrequencies(1e4, 8, true), new double[] {1 / 3.0, 1 / 50.0, 1 / 800.0, 1e-4});
        // factor 64/16 = 4: sqrt(1 + ln 4 / ln 16) = sqrt(1 + 1/2)
        assertThat(rope.attentionFactor()).isCloseTo(Math.sqrt(1.5), EXACT);
    }

    @Test
    void partialRotaryDim12OnBase1e6() {
        LongRope rope = new LongRope(new double[] {1, 1, 2, 2, 4, 5}, new double[] {2, 4, 5, 8, 10, 20}, 16,
                LongRope.defaultAttentionFactor(128.0 / 16, 16));
        assertClose(rope.inverseFrequencies(1e6, 12, false), new double[] {1, 0.1, 0.005, 0.0005, 2.5e-5, 2e-6});
        assertClose(rope.inverseFrequencies(1e6, 12, true), new double[] {0.5, 0.025, 0.002, 1.25e-4, 1e-5, 5e-7});
        // factor 8: sqrt(1 + ln 8 / ln 16) = sqrt(1 + 3/4)
        assertThat(rope.attentionFactor()).isCloseTo(Math.sqrt(1.75), EXACT);
    }

    @Test
    void noScalingMeansNoAttentionFactor() {
        assertThat(LongRope.defaultAttentionFactor(1.0, 4096)).isEqualTo(1.0);
        assertThat(LongRope.defaultAttentionFactor(0.5, 4096)).isEqualTo(1.0);
        // Phi-3.5-mini / Phi-4-mini: 131072 / 4096 = 32 → sqrt(1 + ln 32 / ln 4096) = sqrt(1 + 5/12)
        assertThat(LongRope.defaultAttentionFactor(32, 4096)).isCloseTo(Math.sqrt(17 / 12.0), EXACT);
    }

    /** transformers: {@code seq_len = max(position_ids) + 1; if seq_len > original_max_position_embeddings: long}. */
    @Test
    void switchesToTheLongFactorsPastTheOriginalLength() {
        LongRope rope = new LongRope(new double[] {1}, new double[] {2}, 16, 1);
        assertThat(rope.usesLongFactors(16)).isFalse();
        assertThat(rope.usesLongFactors(17)).isTrue();
    }

    @Test
    void matchesTransformersOnTheFixtures() throws Exception {
        assertMatchesFixture("phi3-longrope-mini", new double[] {1, 2, 4, 5}, new double[] {3, 5, 8, 10}, 1e4, 8, 64);
        assertMatchesFixture("phi3-longrope-partial-tied", new double[] {1, 1, 2, 2, 4, 5}, new double[] {2, 4, 5, 8, 10, 20},
                1e6, 12, 128);
    }

    private static void assertMatchesFixture(String fixture, double[] shortFactor, double[] longFactor, double theta,
                                             int rotaryDim, int maxPositions) throws Exception {
        JsonNode rope = new ObjectMapper().readTree(Path.of("src/test/resources/hf-fixtures", fixture, "expected.json")
                .toFile()).get("rope");
        LongRope ours = new LongRope(shortFactor, longFactor, 16,
                LongRope.defaultAttentionFactor((double) maxPositions / 16, 16));
        assertThat(rope.get("rotary_dim").intValue()).isEqualTo(rotaryDim);
        assertThat(ours.attentionFactor()).isCloseTo(rope.get("attention_factor").doubleValue(), within(1e-12));
        assertClose(ours.inverseFrequencies(theta, rotaryDim, false), doubles(rope.get("short_inv_freq")), 1e-6);
        assertClose(ours.inverseFrequencies(theta, rotaryDim, true), doubles(rope.get("long_inv_freq")), 1e-6);
    }

    private static double[] doubles(JsonNode array) {
        double[] v = new double[array.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = array.get(i).doubleValue();
        }
        return v;
    }

    private static void assertClose(double[] actual, double[] expected) {
        assertClose(actual, expected, 1e-12);
    }

    /** Relative: transformers computes in float32, the hand values are exact. */
    private static void assertClose(double[] actual, double[] expected, double relative) {
        assertThat(actual).hasSameSizeAs(expected);
        for (int i = 0; i < actual.length; i++) {
            assertThat(actual[i]).as("inv_freq[%d]", i).isCloseTo(expected[i], within(relative * expected[i]));
        }
    }
}
