package dev.titans4j.titans.chat;

import dev.titans4j.titans.format.CorruptStateException;
import dev.titans4j.titans.format.Envelope;

/**
 * An embedding stored in 4 bits per value: {@code v[i] ≈ scale · n[i]} with integers {@code n[i]} in [−7, 7], two per
 * byte, and one float scale (the largest magnitude / 7). A 384-value key takes 196 bytes instead of 1 536 as floats;
 * recall rankings do not change measurably on the development data (BENCHMARKS.md). Immutable.
 */
final class PackedKey {

    private static final int LEVELS = 7;

    private final float scale;
    private final byte[] packed;
    private final int dimension;

    private PackedKey(float scale, byte[] packed, int dimension) {
        this.scale = scale;
        this.packed = packed;
        this.dimension = dimension;
    }

    static PackedKey of(float[] v) {
        float max = 0;
        for (float x : v) {
            max = Math.max(max, Math.abs(x));
        }
        float scale = max == 0 ? 0 : max / LEVELS;
        byte[] packed = new byte[(v.length + 1) / 2];
        for (int i = 0; i < v.length; i++) {
            int n = scale == 0 ? 0 : Math.round(v[i] / scale);
            n = Math.max(-LEVELS, Math.min(LEVELS, n)) & 0xF;
            packed[i >> 1] |= (byte) ((i & 1) == 0 ? n : n << 4);
        }
        return new PackedKey(scale, packed, v.length);
    }

    int dimension() {
        return dimension;
    }

    /** Σ v[i]·q[i] of the stored (quantised) values. */
    double dot(double[] q) {
        double sum = 0;
        int i = 0;
        for (byte b : packed) {
            sum += low(b) * q[i++];
            if (i < dimension) {
                sum += high(b) * q[i++];
            }
        }
        return sum * scale;
    }

    /** Adds {@code weight · v} to {@code into}. */
    void addTo(double[] into, double weight) {
        double w = weight * scale;
        int i = 0;
        for (byte b : packed) {
            into[i++] += w * low(b);
            if (i < dimension) {
                into[i++] += w * high(b);
            }
        }
    }

    float[] decode() {
        float[] out = new float[dimension];
        for (int i = 0; i < dimension; i++) {
            byte b = packed[i >> 1];
            out[i] = scale * ((i & 1) == 0 ? low(b) : high(b));
        }
        return out;
    }

    private static int low(byte b) {
        return (b << 28) >> 28; // sign-extends the low nibble
    }

    private static int high(byte b) {
        return (b << 24) >> 28;
    }

    static int bytes(int dimension) {
        return 4 + (dimension + 1) / 2;
    }

    void writeTo(Envelope.Writer out) {
        out.putFloat(scale);
        out.putBytes(packed);
    }

    static PackedKey readFrom(Envelope.Payload in, int dimension) {
        float scale = in.readFloat("key scale");
        if (!(scale >= 0) || Float.isInfinite(scale)) {
            throw new CorruptStateException(in.what() + " holds an invalid key scale " + scale);
        }
        byte[] packed = new byte[(dimension + 1) / 2];
        if (in.remaining() < packed.length) {
            throw new CorruptStateException(in.what() + " is truncated inside a key");
        }
        in.buffer().get(packed);
        return new PackedKey(scale, packed, dimension);
    }
}
