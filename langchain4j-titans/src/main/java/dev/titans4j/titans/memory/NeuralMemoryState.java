package dev.titans4j.titans.memory;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Everything a {@link NeuralMemory} changes at test time: memory weights M, momentum S, the number of items written
 * (position), the partial chunk (items written but not yet applied: input x, projected k and v, θ and mask) and the
 * convolution history (pre-activation k, v, q projections of the last {@code kernel − 1} items, oldest first).
 *
 * <p>Binary format "TTNS" version 1 inside the {@link FramedBinary} envelope (magic, version, payload length,
 * CRC32C of the payload). Payload: config fingerprint (int64), d, d_k, d_v, memory weight count, chunk size,
 * kernel (int32), position (int64), weights, momentum (length-prefixed float64 arrays), pending count (int32) and
 * per pending item mask (byte), θ (float64), x, k, v (arrays), then the k, v, q convolution history rows.
 * {@link #fromBytes} rejects corrupted, truncated, foreign, newer-version or other-config input with a
 * {@link MemoryFormatException} that says which.
 */
public final class NeuralMemoryState {

    static final String MAGIC = "TTNS";
    static final int VERSION = 1;
    private static final String WHAT = "neural memory state";

    final MemoryConfig config;
    private final MemoryNetwork layout;
    /** Weights and momentum in the row form of {@link MemoryNetwork}. */
    final double[][] weights;
    final double[][] momentum;
    long position;
    int pending;
    final double[][] pendingX;
    final double[][] pendingK;
    final double[][] pendingV;
    final double[] pendingTheta;
    final boolean[] pendingMask;
    final double[][] historyK;
    final double[][] historyV;
    final double[][] historyQ;

    NeuralMemoryState(MemoryConfig config, double[] initialWeights) {
        this.config = config;
        this.layout = new MemoryNetwork(config);
        this.weights = layout.toRows(initialWeights);
        this.momentum = layout.newRows();
        int c = config.chunkSize();
        pendingX = new double[c][config.inputDimension()];
        pendingK = new double[c][config.keyDimension()];
        pendingV = new double[c][config.valueDimension()];
        pendingTheta = new double[c];
        pendingMask = new boolean[c];
        int h = Math.max(0, config.convolutionKernel() - 1);
        historyK = new double[h][config.keyDimension()];
        historyV = new double[h][config.valueDimension()];
        historyQ = new double[h][config.keyDimension()];
    }

    /** A deep copy. */
    public NeuralMemoryState copy() {
        NeuralMemoryState s = new NeuralMemoryState(config, layout.flatten(weights));
        copyRows(momentum, s.momentum);
        s.position = position;
        s.pending = pending;
        copyRows(pendingX, s.pendingX);
        copyRows(pendingK, s.pendingK);
        copyRows(pendingV, s.pendingV);
        System.arraycopy(pendingTheta, 0, s.pendingTheta, 0, pendingTheta.length);
        System.arraycopy(pendingMask, 0, s.pendingMask, 0, pendingMask.length);
        copyRows(historyK, s.historyK);
        copyRows(historyV, s.historyV);
        copyRows(historyQ, s.historyQ);
        return s;
    }

    private static void copyRows(double[][] from, double[][] to) {
        for (int i = 0; i < from.length; i++) {
            System.arraycopy(from[i], 0, to[i], 0, from[i].length);
        }
    }

    public MemoryConfig config() {
        return config;
    }

    /** Items written so far, including those in the partial chunk. */
    public long position() {
        return position;
    }

    /** Items in the partial chunk (written, not yet applied to the weights). */
    public int pendingItems() {
        return pending;
    }

    /** A copy of the memory weights M (layout in {@link MemoryNetwork}). */
    public double[] weights() {
        return layout.flatten(weights);
    }

    /** A copy of the momentum S. */
    public double[] momentum() {
        return layout.flatten(momentum);
    }

    /** Serialises this state (see class comment). */
    public byte[] toBytes() {
        int d = config.inputDimension();
        int dk = config.keyDimension();
        int dv = config.valueDimension();
        double[] flatWeights = layout.flatten(weights);
        double[] flatMomentum = layout.flatten(momentum);
        long size = 8 + 6 * 4 + 8 + 2 * (4 + 8L * flatWeights.length) + 4
                + (long) pending * (1 + 8 + 3 * 4 + 8L * (d + dk + dv))
                + (long) historyK.length * 3 * 4 + 8L * historyK.length * (2L * dk + dv);
        ByteBuffer out = ByteBuffer.allocate(Math.toIntExact(size)).order(ByteOrder.BIG_ENDIAN);
        out.putLong(config.fingerprint());
        out.putInt(d).putInt(dk).putInt(dv).putInt(flatWeights.length).putInt(config.chunkSize())
                .putInt(config.convolutionKernel());
        out.putLong(position);
        FramedBinary.writeDoubles(out, flatWeights);
        FramedBinary.writeDoubles(out, flatMomentum);
        out.putInt(pending);
        for (int j = 0; j < pending; j++) {
            out.put((byte) (pendingMask[j] ? 1 : 0));
            out.putDouble(pendingTheta[j]);
            FramedBinary.writeDoubles(out, pendingX[j]);
            FramedBinary.writeDoubles(out, pendingK[j]);
            FramedBinary.writeDoubles(out, pendingV[j]);
        }
        for (int i = 0; i < historyK.length; i++) {
            FramedBinary.writeDoubles(out, historyK[i]);
            FramedBinary.writeDoubles(out, historyV[i]);
            FramedBinary.writeDoubles(out, historyQ[i]);
        }
        return FramedBinary.frame(MAGIC, VERSION, out.array());
    }

    /**
     * Parses a state written by {@link #toBytes()} for a memory with configuration {@code config}.
     *
     * @throws MemoryFormatException if the bytes are corrupted, truncated, not a state, from a newer format version,
     *                               or written for another configuration
     */
    public static NeuralMemoryState fromBytes(MemoryConfig config, byte[] bytes) {
        ByteBuffer in = FramedBinary.unframe(bytes, MAGIC, VERSION, WHAT);
        long fingerprint = FramedBinary.readLong(in, "fingerprint", WHAT);
        int d = FramedBinary.readInt(in, "d", WHAT);
        int dk = FramedBinary.readInt(in, "dk", WHAT);
        int dv = FramedBinary.readInt(in, "dv", WHAT);
        int count = FramedBinary.readInt(in, "weightCount", WHAT);
        int chunk = FramedBinary.readInt(in, "chunkSize", WHAT);
        int kernel = FramedBinary.readInt(in, "kernel", WHAT);
        String found = "d=" + d + ", dk=" + dk + ", dv=" + dv + ", weights=" + count + ", chunk=" + chunk
                + ", kernel=" + kernel;
        String expected = "d=" + config.inputDimension() + ", dk=" + config.keyDimension() + ", dv="
                + config.valueDimension() + ", weights=" + config.memoryWeightCount() + ", chunk="
                + config.chunkSize() + ", kernel=" + config.convolutionKernel();
        if (!found.equals(expected)) {
            throw new MemoryFormatException(WHAT + " was written for another memory configuration: " + found
                    + " but this memory has " + expected);
        }
        if (fingerprint != config.fingerprint()) {
            throw new MemoryFormatException(WHAT + " was written for another memory configuration: fingerprint "
                    + Long.toHexString(fingerprint) + " but this memory has " + Long.toHexString(config.fingerprint())
                    + " (" + config.describe() + ")");
        }
        long position = FramedBinary.readLong(in, "position", WHAT);
        double[] w = FramedBinary.readDoubles(in, count, "weights", WHAT);
        double[] m = FramedBinary.readDoubles(in, count, "momentum", WHAT);
        requireFinite(w, "weights");
        requireFinite(m, "momentum");
        NeuralMemoryState s = new NeuralMemoryState(config, w);
        copyRows(s.layout.toRows(m), s.momentum);
        s.position = position;
        int pending = FramedBinary.readInt(in, "pending", WHAT);
        if (pending < 0 || pending >= chunk || s.position < pending) {
            throw new MemoryFormatException(WHAT + " has an invalid partial chunk of " + pending + " items (chunk "
                    + chunk + ", position " + s.position + ")");
        }
        s.pending = pending;
        for (int j = 0; j < pending; j++) {
            if (!in.hasRemaining()) {
                throw new MemoryFormatException(WHAT + " truncated in the partial chunk");
            }
            s.pendingMask[j] = in.get() != 0;
            if (in.remaining() < 8) {
                throw new MemoryFormatException(WHAT + " truncated in the partial chunk");
            }
            s.pendingTheta[j] = in.getDouble();
            s.pendingX[j] = FramedBinary.readDoubles(in, d, "pending x", WHAT);
            s.pendingK[j] = FramedBinary.readDoubles(in, dk, "pending k", WHAT);
            s.pendingV[j] = FramedBinary.readDoubles(in, dv, "pending v", WHAT);
        }
        for (int i = 0; i < s.historyK.length; i++) {
            s.historyK[i] = FramedBinary.readDoubles(in, dk, "history k", WHAT);
            s.historyV[i] = FramedBinary.readDoubles(in, dv, "history v", WHAT);
            s.historyQ[i] = FramedBinary.readDoubles(in, dk, "history q", WHAT);
        }
        if (in.hasRemaining()) {
            throw new MemoryFormatException(WHAT + " has " + in.remaining() + " unread payload bytes");
        }
        return s;
    }

    private static void requireFinite(double[] values, String field) {
        for (double v : values) {
            if (!Double.isFinite(v)) {
                throw new MemoryFormatException(WHAT + " holds a non-finite value in " + field);
            }
        }
    }

    /** Exact equality of every field (bitwise for doubles). */
    @Override
    public boolean equals(Object o) {
        if (!(o instanceof NeuralMemoryState s)) {
            return false;
        }
        if (!config.equals(s.config) || position != s.position || pending != s.pending
                || !Arrays.deepEquals(weights, s.weights) || !Arrays.deepEquals(momentum, s.momentum)
                || !Arrays.deepEquals(historyK, s.historyK) || !Arrays.deepEquals(historyV, s.historyV)
                || !Arrays.deepEquals(historyQ, s.historyQ)) {
            return false;
        }
        for (int j = 0; j < pending; j++) {
            if (pendingMask[j] != s.pendingMask[j] || Double.compare(pendingTheta[j], s.pendingTheta[j]) != 0
                    || !Arrays.equals(pendingX[j], s.pendingX[j]) || !Arrays.equals(pendingK[j], s.pendingK[j])
                    || !Arrays.equals(pendingV[j], s.pendingV[j])) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(position) * 31 + Arrays.deepHashCode(weights);
    }
}
