package dev.titans4j.export.safetensors;

/**
 * Conversions between float32 and the 16-bit formats IEEE 754 binary16 ("half", F16) and bfloat16 (BF16).
 * Encoding rounds to nearest, ties to even, like PyTorch's {@code .half()} / {@code .bfloat16()}; NaN stays NaN
 * (quiet), overflow becomes infinity, tiny values become half subnormals or signed zero.
 */
public final class HalfFloats {

    /** Bits of 65520, the smallest float32 magnitude that rounds past the largest half (65504) to infinity. */
    private static final int HALF_OVERFLOW_BITS = 0x477ff000;

    private HalfFloats() {
    }

    /** Decodes an IEEE binary16 bit pattern (subnormals, infinities and NaN included). */
    public static float halfToFloat(short half) {
        int bits = half & 0xffff;
        int sign = (bits & 0x8000) << 16;
        int exponent = (bits >>> 10) & 0x1f;
        int mantissa = bits & 0x3ff;
        if (exponent == 0x1f) {
            return Float.intBitsToFloat(sign | 0x7f800000 | (mantissa << 13));
        }
        if (exponent == 0) {
            float subnormal = mantissa * 0x1p-24f; // exact: at most 10 significant bits
            return sign == 0 ? subnormal : -subnormal;
        }
        return Float.intBitsToFloat(sign | ((exponent + 127 - 15) << 23) | (mantissa << 13));
    }

    /** Encodes to IEEE binary16, rounding to nearest even. */
    public static short floatToHalf(float value) {
        int bits = Float.floatToRawIntBits(value);
        int sign = (bits >>> 16) & 0x8000;
        int abs = bits & 0x7fffffff;
        if (abs >= 0x7f800000) { // infinity or NaN
            return (short) (abs == 0x7f800000 ? sign | 0x7c00 : sign | 0x7e00 | ((abs >>> 13) & 0x3ff));
        }
        if (abs >= HALF_OVERFLOW_BITS) {
            return (short) (sign | 0x7c00);
        }
        if (abs <= 0x33000000) { // <= 2^-25: rounds to zero (2^-25 itself is a tie, and zero is even)
            return (short) sign;
        }
        if (abs < 0x38800000) { // below 2^-14: a half subnormal, m * 2^-24
            int significand = (abs & 0x7fffff) | 0x800000;
            int shift = 126 - (abs >>> 23);
            return (short) (sign | roundShift(significand, shift));
        }
        int exponent = (abs >>> 23) - 127 + 15;
        int half = (exponent << 10) | ((abs & 0x7fffff) >>> 13);
        int remainder = abs & 0x1fff;
        if (remainder > 0x1000 || (remainder == 0x1000 && (half & 1) == 1)) {
            half++; // a carry into the exponent is the correct rounded result
        }
        return (short) (sign | half);
    }

    /** Whether a finite {@code value} stays finite as a half (its magnitude rounds to at most 65504). */
    public static boolean fitsHalf(float value) {
        return (Float.floatToRawIntBits(value) & 0x7fffffff) < HALF_OVERFLOW_BITS;
    }

    /** Decodes a bfloat16 bit pattern (the upper half of a float32). */
    public static float bf16ToFloat(short bf16) {
        return Float.intBitsToFloat((bf16 & 0xffff) << 16);
    }

    /** Encodes to bfloat16, rounding to nearest even. */
    public static short floatToBf16(float value) {
        int bits = Float.floatToRawIntBits(value);
        if ((bits & 0x7fffffff) > 0x7f800000) { // NaN: keep it quiet and non-zero
            return (short) (((bits >>> 16) & 0x8000) | 0x7fc0);
        }
        int rounding = 0x7fff + ((bits >>> 16) & 1);
        return (short) ((bits + rounding) >>> 16);
    }

    private static int roundShift(int value, int shift) {
        int kept = value >>> shift;
        int remainder = value & ((1 << shift) - 1);
        int halfway = 1 << (shift - 1);
        if (remainder > halfway || (remainder == halfway && (kept & 1) == 1)) {
            kept++;
        }
        return kept;
    }
}
