package dev.titans4j.titans.chat;

import java.util.SplittableRandom;

/**
 * The address code of each neural-memory write: a pseudo-random unit vector with entries ±1/√D, derived only from
 * the write's stream position and a fixed seed. Codes of different positions are nearly orthogonal (|cos| ≈ 1/√D),
 * so the memory can tell segments apart, and nothing needs to be stored: the code of any position is recomputed.
 */
final class AddressCodes {

    private static final long SEED = 0x7469_7461_6e73_6164L;

    private final int dimension;
    private final double entry;

    AddressCodes(int dimension) {
        if (dimension < 1) {
            throw new IllegalArgumentException("address code dimension must be >= 1, got " + dimension);
        }
        this.dimension = dimension;
        this.entry = 1.0 / Math.sqrt(dimension);
    }

    /** Writes the code of {@code position} into {@code out[offset .. offset + dimension)}. */
    void code(long position, double[] out, int offset) {
        SplittableRandom random = new SplittableRandom(SEED ^ (position * 0x9E37_79B9_7F4A_7C15L));
        for (int i = 0; i < dimension; i += 64) {
            long bits = random.nextLong();
            for (int j = 0; j < 64 && i + j < dimension; j++) {
                out[offset + i + j] = ((bits >>> j) & 1L) == 0 ? entry : -entry;
            }
        }
    }

    /** cos(y, code(position)) without materialising the code; {@code yNorm} is ‖y‖. */
    double cosine(double[] y, double yNorm, long position) {
        if (yNorm == 0) {
            return 0;
        }
        SplittableRandom random = new SplittableRandom(SEED ^ (position * 0x9E37_79B9_7F4A_7C15L));
        double dot = 0;
        for (int i = 0; i < dimension; i += 64) {
            long bits = random.nextLong();
            for (int j = 0; j < 64 && i + j < dimension; j++) {
                dot += ((bits >>> j) & 1L) == 0 ? y[i + j] : -y[i + j];
            }
        }
        return dot * entry / yNorm;
    }
}
