package dev.titans4j.export.onnx;

import dev.titans4j.export.hf.LongRope;

/**
 * Precomputed RoPE tables {@code cos(p * freq[i])} and {@code sin(p * freq[i])}, shape [positions, headDim / 2]:
 * the {@code cos_cache}/{@code sin_cache} layout of GroupQueryAttention with {@code rotary_interleaved = 0}
 * (rotate_half pairs x[i] with x[i + headDim/2]). Computed in double, stored as float.
 */
public final class RotaryTables {

    private RotaryTables() {
    }

    public static float[] cos(double[] inverseFrequencies, int positions) {
        return table(inverseFrequencies, positions, true);
    }

    public static float[] sin(double[] inverseFrequencies, int positions) {
        return table(inverseFrequencies, positions, false);
    }

    /**
     * A longrope table: rows {@code [0, original)} from the short factors, then {@code positions} rows from the long
     * ones (row {@code original + p} is position p), all times the attention factor. A run slices the rows of the
     * table its sequence length selects.
     */
    public static float[] longRope(LongRope rope, double theta, int rotaryDim, int positions, boolean cos) {
        int original = rope.originalMaxPositionEmbeddings();
        float[] shortRows = table(rope.inverseFrequencies(theta, rotaryDim, false), original, cos,
                rope.attentionFactor());
        float[] longRows = table(rope.inverseFrequencies(theta, rotaryDim, true), positions, cos,
                rope.attentionFactor());
        float[] all = java.util.Arrays.copyOf(shortRows, shortRows.length + longRows.length);
        System.arraycopy(longRows, 0, all, shortRows.length, longRows.length);
        return all;
    }

    private static float[] table(double[] freqs, int positions, boolean cos) {
        return table(freqs, positions, cos, 1.0);
    }

    private static float[] table(double[] freqs, int positions, boolean cos, double scale) {
        float[] t = new float[positions * freqs.length];
        for (int p = 0; p < positions; p++) {
            for (int i = 0; i < freqs.length; i++) {
                double angle = p * freqs[i];
                t[p * freqs.length + i] = (float) (scale * (cos ? Math.cos(angle) : Math.sin(angle)));
            }
        }
        return t;
    }
}
