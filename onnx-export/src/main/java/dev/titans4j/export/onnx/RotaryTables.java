package dev.titans4j.export.onnx;

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

    private static float[] table(double[] freqs, int positions, boolean cos) {
        float[] t = new float[positions * freqs.length];
        for (int p = 0; p < positions; p++) {
            for (int i = 0; i < freqs.length; i++) {
                double angle = p * freqs[i];
                t[p * freqs.length + i] = (float) (cos ? Math.cos(angle) : Math.sin(angle));
            }
        }
        return t;
    }
}
