package dev.titans4j.export.onnx;

import java.util.List;
import java.util.stream.Collectors;

/**
 * Symmetric 4-bit block quantisation in the layout of ONNX Runtime's {@code MatMulNBits}: weight [N, K] (Hugging
 * Face [out, in]) split along K into blocks of {@link #blockSize()} values; each block stores one float scale (the
 * least-squares choice among a few candidates, possibly negative so the largest magnitude can use code -8) and codes
 * {@code q = clamp(round(w / scale), -8, 7) + 8} packed two per byte, the lower K index in the low nibble. No
 * zero-point tensor is written: MatMulNBits then uses the default zero point 8, so {@code w ≈ (q - 8) * scale}.
 * A ragged last block is padded with zeros.
 *
 * <p>The block size trades accuracy for decode speed: larger blocks mean fewer scales to read per weight.
 */
public final class Int4Quantizer {

    /** Same block as llama.cpp's Q4_0 and ONNX Runtime GenAI's default. */
    public static final int DEFAULT_BLOCK_SIZE = 32;
    /** Powers of two ≥ 16, as MatMulNBits accepts them. */
    public static final List<Integer> BLOCK_SIZES = List.of(16, 32, 64, 128, 256);
    public static final int BITS = 4;

    private final int blockSize;

    /** @throws IllegalArgumentException when {@code blockSize} is not one of {@link #BLOCK_SIZES} */
    public Int4Quantizer(int blockSize) {
        this.blockSize = checkBlockSize(blockSize);
    }

    /** Returns {@code blockSize} when it is one of {@link #BLOCK_SIZES}, else throws a message naming them. */
    public static int checkBlockSize(int blockSize) {
        if (!BLOCK_SIZES.contains(blockSize)) {
            throw new IllegalArgumentException("int4 block size " + blockSize + " is not supported; allowed: "
                    + BLOCK_SIZES.stream().map(String::valueOf).collect(Collectors.joining(", ")));
        }
        return blockSize;
    }

    public int blockSize() {
        return blockSize;
    }

    /** Packed codes [N, blocks, blockSize / 2] and scales [N, blocks]. */
    public record Quantized(int n, int k, int blockSize, byte[] packed, float[] scales) {

        public int blocksPerRow() {
            return (k + blockSize - 1) / blockSize;
        }

        /** The dequantised weight [N, K], for tests and error estimates. */
        public float[] dequantize() {
            int blocks = blocksPerRow();
            float[] w = new float[n * k];
            for (int row = 0; row < n; row++) {
                for (int col = 0; col < k; col++) {
                    int block = col / blockSize;
                    int within = col % blockSize;
                    int b = packed[(row * blocks + block) * (blockSize / 2) + within / 2] & 0xFF;
                    int code = (within % 2 == 0) ? (b & 0x0F) : (b >>> 4);
                    w[row * k + col] = (code - 8) * scales[row * blocks + block];
                }
            }
            return w;
        }
    }

    public int blocks(int k) {
        return (k + blockSize - 1) / blockSize;
    }

    public long packedBytes(int n, int k) {
        return (long) n * blocks(k) * (blockSize / 2);
    }

    public Quantized quantize(float[] weight, int n, int k) {
        if (weight.length != (long) n * k) {
            throw new IllegalArgumentException("weight has " + weight.length + " values, expected " + n + "x" + k);
        }
        int blocks = blocks(k);
        byte[] packed = new byte[(int) packedBytes(n, k)];
        float[] scales = new float[n * blocks];
        for (int row = 0; row < n; row++) {
            for (int block = 0; block < blocks; block++) {
                int start = block * blockSize;
                int end = Math.min(start + blockSize, k);
                float scale = bestScale(weight, row * k + start, end - start);
                scales[row * blocks + block] = scale;
                float inverse = scale == 0 ? 0 : 1f / scale;
                int base = (row * blocks + block) * (blockSize / 2);
                for (int col = start; col < start + blockSize; col++) {
                    float value = col < end ? weight[row * k + col] : 0f;
                    int code = Math.max(-8, Math.min(7, Math.round(value * inverse))) + 8;
                    int within = col - start;
                    if (within % 2 == 0) {
                        packed[base + within / 2] = (byte) code;
                    } else {
                        packed[base + within / 2] |= (byte) (code << 4);
                    }
                }
            }
        }
        return new Quantized(n, k, blockSize, packed, scales);
    }

    /**
     * The scale with the least squared error among a few candidates between absMax/8 and absMax/7, either sign
     * (a negative scale lets the block's largest magnitude use code -8): plain absMax/7 wastes a level.
     */
    private static float bestScale(float[] w, int offset, int length) {
        float absMax = 0;
        float extreme = 0;
        for (int i = 0; i < length; i++) {
            float v = w[offset + i];
            if (Math.abs(v) > absMax) {
                absMax = Math.abs(v);
                extreme = v;
            }
        }
        if (absMax == 0) {
            return 0;
        }
        float best = absMax / 7f;
        double bestError = Double.MAX_VALUE;
        for (int step = 0; step <= 8; step++) {
            float divisor = 7f + step / 8f;
            for (float candidate : new float[] {absMax / divisor, -extreme / divisor}) {
                double error = 0;
                float inverse = 1f / candidate;
                for (int i = 0; i < length; i++) {
                    float v = w[offset + i];
                    int code = Math.max(-8, Math.min(7, Math.round(v * inverse)));
                    double diff = v - code * candidate;
                    error += diff * diff;
                }
                if (error < bestError) {
                    bestError = error;
                    best = candidate;
                }
            }
        }
        return best;
    }
}
