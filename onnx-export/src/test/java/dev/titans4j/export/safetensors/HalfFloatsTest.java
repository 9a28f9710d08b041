package dev.titans4j.export.safetensors;

import static dev.titans4j.export.safetensors.HalfFloats.bf16ToFloat;
import static dev.titans4j.export.safetensors.HalfFloats.floatToBf16;
import static dev.titans4j.export.safetensors.HalfFloats.floatToHalf;
import static dev.titans4j.export.safetensors.HalfFloats.halfToFloat;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HalfFloatsTest {

    @Test
    void encodesKnownHalfConstants() {
        assertThat(bits(floatToHalf(1.0f))).isEqualTo(0x3c00);
        assertThat(bits(floatToHalf(-2.0f))).isEqualTo(0xc000);
        assertThat(bits(floatToHalf(0.1f))).isEqualTo(0x2e66);
        assertThat(bits(floatToHalf(65504f))).isEqualTo(0x7bff);
        assertThat(bits(floatToHalf(65519.99f))).isEqualTo(0x7bff);
        assertThat(bits(floatToHalf(65520f))).as("tie above the largest half goes to infinity").isEqualTo(0x7c00);
        assertThat(bits(floatToHalf(0x1p-14f))).as("smallest normal").isEqualTo(0x0400);
        assertThat(bits(floatToHalf(0x1p-24f))).as("smallest subnormal").isEqualTo(0x0001);
        assertThat(bits(floatToHalf(1023 * 0x1p-24f))).as("largest subnormal").isEqualTo(0x03ff);
        assertThat(bits(floatToHalf(0x1p-25f))).as("tie between 0 and 2^-24 goes to even 0").isEqualTo(0x0000);
        assertThat(bits(floatToHalf(0x1.8p-25f))).isEqualTo(0x0001);
        assertThat(bits(floatToHalf(3 * 0x1p-25f))).as("tie 1.5 ulp goes to even 2").isEqualTo(0x0002);
        assertThat(bits(floatToHalf(1 + 0x1p-11f))).as("tie goes to even 1.0").isEqualTo(0x3c00);
        assertThat(bits(floatToHalf(1 + 3 * 0x1p-11f))).as("tie goes to even 1+2^-9").isEqualTo(0x3c02);
        assertThat(bits(floatToHalf(-0.0f))).isEqualTo(0x8000);
        assertThat(bits(floatToHalf(Float.POSITIVE_INFINITY))).isEqualTo(0x7c00);
        assertThat(bits(floatToHalf(Float.NEGATIVE_INFINITY))).isEqualTo(0xfc00);
        assertThat(bits(floatToHalf(1e-10f))).isEqualTo(0x0000);
        assertThat(bits(floatToHalf(-1e10f))).isEqualTo(0xfc00);
        assertThat(halfToFloat(floatToHalf(Float.NaN))).isNaN();
    }

    @Test
    void decodesKnownHalfConstants() {
        assertThat(halfToFloat((short) 0x3555)).isEqualTo(0.333251953125f);
        assertThat(halfToFloat((short) 0x0001)).isEqualTo(0x1p-24f);
        assertThat(halfToFloat((short) 0x8001)).isEqualTo(-0x1p-24f);
        assertThat(halfToFloat((short) 0x03ff)).isEqualTo(0x1.ff8p-15f);
        assertThat(halfToFloat((short) 0x7bff)).isEqualTo(65504f);
        assertThat(halfToFloat((short) 0x7c00)).isEqualTo(Float.POSITIVE_INFINITY);
        assertThat(halfToFloat((short) 0xfc00)).isEqualTo(Float.NEGATIVE_INFINITY);
        assertThat(halfToFloat((short) 0x7e00)).isNaN();
        assertThat(halfToFloat((short) 0x7c01)).as("signalling NaN").isNaN();
        assertThat(Float.floatToRawIntBits(halfToFloat((short) 0x8000))).isEqualTo(0x80000000);
    }

    @Test
    void everyHalfSurvivesARoundTrip() {
        for (int h = 0; h < 0x10000; h++) {
            float f = halfToFloat((short) h);
            if (Float.isNaN(f)) {
                assertThat(halfToFloat(floatToHalf(f))).isNaN();
            } else {
                assertThat(bits(floatToHalf(f))).as("0x%04x", h).isEqualTo(h);
            }
        }
    }

    /** Between every two adjacent finite halves: the midpoint goes to the even one, anything off it to the nearer. */
    @Test
    void roundsToNearestEvenBetweenEveryPairOfHalves() {
        for (int h = 0; h < 0x7bff; h++) {
            float low = halfToFloat((short) h);
            float high = halfToFloat((short) (h + 1));
            float mid = (low + high) / 2; // exact: needs at most 12 significant bits
            int even = (h & 1) == 0 ? h : h + 1;
            assertThat(bits(floatToHalf(mid))).as("midpoint after 0x%04x", h).isEqualTo(even);
            assertThat(bits(floatToHalf(Math.nextDown(mid)))).isEqualTo(h);
            assertThat(bits(floatToHalf(Math.nextUp(mid)))).isEqualTo(h + 1);
            assertThat(bits(floatToHalf(-mid))).isEqualTo(even | 0x8000);
        }
    }

    /** fitsHalf is exactly "encodes to a finite half", on both sides of the overflow boundary (65520). */
    @Test
    void fitsHalfIsWhatEncodesFinite() {
        float overflow = 65520f;
        for (float v : new float[] {0f, 65504f, Math.nextDown(overflow), overflow, Math.nextUp(overflow), 1e30f}) {
            for (float signed : new float[] {v, -v}) {
                assertThat(HalfFloats.fitsHalf(signed)).as("%s", signed)
                        .isEqualTo(Float.isFinite(halfToFloat(floatToHalf(signed))));
            }
        }
        assertThat(HalfFloats.fitsHalf(Math.nextDown(overflow))).isTrue();
        assertThat(HalfFloats.fitsHalf(overflow)).isFalse();
    }

    @Test
    void bfloat16RoundsToNearestEven() {
        assertThat(bits(floatToBf16(1.0f))).isEqualTo(0x3f80);
        assertThat(bits(floatToBf16(0.1f))).isEqualTo(0x3dcd);
        assertThat(bf16ToFloat(floatToBf16(0.1f))).isEqualTo(0.10009765625f);
        assertThat(bits(floatToBf16(1 + 0x1p-8f))).as("tie goes to even 1.0").isEqualTo(0x3f80);
        assertThat(bits(floatToBf16(1 + 3 * 0x1p-8f))).as("tie goes to even").isEqualTo(0x3f82);
        assertThat(bits(floatToBf16(Math.nextUp(1 + 0x1p-8f)))).isEqualTo(0x3f81);
        assertThat(bits(floatToBf16(Float.MAX_VALUE))).as("overflows to infinity").isEqualTo(0x7f80);
        assertThat(bits(floatToBf16(Float.NEGATIVE_INFINITY))).isEqualTo(0xff80);
        assertThat(bf16ToFloat(floatToBf16(Float.NaN))).isNaN();
        assertThat(bf16ToFloat(floatToBf16(Float.intBitsToFloat(0x7f800001)))).as("NaN must not become inf")
                .isNaN();
    }

    @Test
    void everyBfloat16SurvivesARoundTrip() {
        for (int b = 0; b < 0x10000; b++) {
            float f = bf16ToFloat((short) b);
            if (!Float.isNaN(f)) {
                assertThat(bits(floatToBf16(f))).as("0x%04x", b).isEqualTo(b);
            }
        }
    }

    private static int bits(short s) {
        return s & 0xffff;
    }
}
