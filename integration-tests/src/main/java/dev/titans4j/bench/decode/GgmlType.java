package dev.titans4j.bench.decode;

import dev.titans4j.export.safetensors.HalfFloats;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The ggml tensor types the benchmark writes into GGUF files, with ggml's own encodings: Q4_0 and Q8_0 follow
 * {@code quantize_row_q4_0_ref} / {@code quantize_row_q8_0_ref} of ggml-quants.c (blocks of 32 along a row, an
 * fp16 scale first), so llama.cpp reads the same weights its own quantizer would have written.
 */
enum GgmlType {
    F32(0, 1, 4),
    F16(1, 1, 2),
    Q4_0(2, 32, 18),
    Q8_0(8, 32, 34);

    /** ggml's {@code enum ggml_type} value, as stored in a GGUF tensor info. */
    final int id;
    final int blockSize;
    final int blockBytes;

    GgmlType(int id, int blockSize, int blockBytes) {
        this.id = id;
        this.blockSize = blockSize;
        this.blockBytes = blockBytes;
    }

    /** Bytes of {@code elements} values; the count must be whole blocks. */
    long bytes(long elements) {
        if (elements % blockSize != 0) {
            throw new IllegalArgumentException(name() + " needs a multiple of " + blockSize + " values, not "
                    + elements);
        }
        return elements / blockSize * blockBytes;
    }

    /** ggml's little-endian encoding of row-major values (rows must be whole blocks, as ggml requires). */
    byte[] encode(float[] values) {
        ByteBuffer out = ByteBuffer.allocate(Math.toIntExact(bytes(values.length))).order(ByteOrder.LITTLE_ENDIAN);
        switch (this) {
            case F32 -> out.asFloatBuffer().put(values);
            case F16 -> {
                for (float v : values) {
                    out.putShort(HalfFloats.floatToHalf(v));
                }
            }
            case Q4_0 -> {
                for (int b = 0; b < values.length; b += 32) {
                    q4Block(values, b, out);
                }
            }
            case Q8_0 -> {
                for (int b = 0; b < values.length; b += 32) {
                    q8Block(values, b, out);
                }
            }
            default -> throw new IllegalStateException(name());
        }
        return out.array();
    }

    /** {@code quantize_row_q4_0_ref}: scale = the signed value of largest magnitude / -8, nibbles j and j+16. */
    private static void q4Block(float[] x, int from, ByteBuffer out) {
        float amax = 0;
        float max = 0;
        for (int j = 0; j < 32; j++) {
            float v = x[from + j];
            if (amax < Math.abs(v)) {
                amax = Math.abs(v);
                max = v;
            }
        }
        float d = max / -8;
        float id = d != 0 ? 1.0f / d : 0.0f;
        out.putShort(HalfFloats.floatToHalf(d));
        for (int j = 0; j < 16; j++) {
            float x0 = x[from + j] * id;
            float x1 = x[from + 16 + j] * id;
            int lo = Math.min(15, (int) (x0 + 8.5f)); // |x0| <= 8: truncation as C's (int8_t) cast
            int hi = Math.min(15, (int) (x1 + 8.5f));
            out.put((byte) (lo | hi << 4));
        }
    }

    /** {@code quantize_row_q8_0_ref}: scale = max |x| / 127, values rounded half away from zero. */
    private static void q8Block(float[] x, int from, ByteBuffer out) {
        float amax = 0;
        for (int j = 0; j < 32; j++) {
            amax = Math.max(amax, Math.abs(x[from + j]));
        }
        float d = amax / 127;
        float id = d != 0 ? 1.0f / d : 0.0f;
        out.putShort(HalfFloats.floatToHalf(d));
        for (int j = 0; j < 32; j++) {
            double v = x[from + j] * id; // the float product, widened so that adding 0.5 is exact
            out.put((byte) (Math.signum(v) * Math.floor(Math.abs(v) + 0.5))); // C's roundf
        }
    }
}
