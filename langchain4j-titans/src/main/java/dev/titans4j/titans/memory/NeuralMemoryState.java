package dev.titans4j.titans.memory;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Everything a {@link NeuralMemory} changes at test time: memory weights M, momentum S, the number of items written
 * (position), the partial chunk (items written but not yet applied: input x, projected k and v, θ and mask) and the
 * convolution history (pre-activation k, v, q projections of the last {@code kernel − 1} items, oldest first).
 *
 * <p>When the config's η gate is {@linkplain GateSpec#fixed fixed} at exactly 0 the momentum carries nothing from
 * one chunk to the next ({@code S_i = 0·S_{i−1} − θ_i·u_i}), so such a memory does not keep S (it stays zero) and
 * its serialised state omits it (half of the bytes for a deep memory).
 *
 * <p>Binary format "TTNS" version 2 inside the {@link FramedBinary} envelope (magic, version, payload length,
 * CRC32C of the payload). Payload, big-endian:
 * <pre>
 *   fingerprint (int64) | d | d_k | d_v | memory weight count | chunk size | kernel (int32 each)
 *   | flags (int32; bit 0 = momentum omitted, set exactly when η is fixed 0; other bits must be 0)
 *   | position (int64) | weights | momentum (absent when omitted)
 *   | pending count (int32) | per pending item: mask (byte), θ (float64), x, k, v
 *   | per convolution history row (kernel − 1 of them, oldest first): k, v, q
 * </pre>
 * Arrays are length-prefixed float64 (int32 count, then the values). Version 1 is the same without the flags
 * field, momentum always present; it is still read (a stored momentum under η fixed 0 is discarded, as it cannot
 * influence anything). {@link #fromBytes} rejects corrupted, truncated, foreign, newer-version or other-config
 * input, and a state without momentum for a memory whose η is not fixed 0, with a {@link MemoryFormatException}
 * that says which.
 */
public final class NeuralMemoryState {

    static final String MAGIC = "TTNS";
    static final int VERSION = 2;
    /** Flags bit: the momentum S is not stored (η fixed 0). */
    static final int MOMENTUM_OMITTED = 1;
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
        this(config);
        copyRows(layout.toRows(initialWeights), weights);
    }

    /** A state with zero weights and momentum, nothing written. */
    private NeuralMemoryState(MemoryConfig config) {
        this.config = config;
        this.layout = new MemoryNetwork(config);
        this.weights = layout.newRows();
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
        NeuralMemoryState s = new NeuralMemoryState(config);
        copyRows(weights, s.weights);
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

    /** A copy of the momentum S (all zero when η is fixed 0, see the class comment). */
    public double[] momentum() {
        return layout.flatten(momentum);
    }

    /**
     * Whether momentum carries information across chunks under {@code config}: false exactly when η is fixed at 0,
     * where each chunk multiplies the previous S by zero.
     */
    static boolean carriesMomentum(MemoryConfig config) {
        return config.eta().isDataDependent() || config.eta().value() != 0.0;
    }

    /** Sets S to +0 (a version 1 state's stored S under η fixed 0, which cannot influence anything). */
    void clearMomentum() {
        for (double[] row : momentum) {
            Arrays.fill(row, 0.0);
        }
    }

    /** Serialises this state (see class comment). */
    public byte[] toBytes() {
        int d = config.inputDimension();
        int dk = config.keyDimension();
        int dv = config.valueDimension();
        int count = config.memoryWeightCount();
        boolean withMomentum = carriesMomentum(config);
        long size = 8 + 6 * 4 + 4 + 8 + (withMomentum ? 2 : 1) * (4 + 8L * count) + 4
                + (long) pending * (1 + 8 + 3 * 4 + 8L * (d + dk + dv))
                + (long) historyK.length * 3 * 4 + 8L * historyK.length * (2L * dk + dv);
        ByteBuffer out = FramedBinary.open(Math.toIntExact(size));
        out.putLong(config.fingerprint());
        out.putInt(d).putInt(dk).putInt(dv).putInt(count).putInt(config.chunkSize())
                .putInt(config.convolutionKernel());
        out.putInt(withMomentum ? 0 : MOMENTUM_OMITTED);
        out.putLong(position);
        FramedBinary.writeRows(out, weights, count);
        if (withMomentum) {
            FramedBinary.writeRows(out, momentum, count);
        }
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
        return FramedBinary.seal(out, MAGIC, VERSION);
    }

    /**
     * Parses a state written by {@link #toBytes()} (this format version or an older one) for a memory with
     * configuration {@code config}.
     *
     * @throws MemoryFormatException if the bytes are corrupted, truncated, not a state, from a newer format version,
     *                               written for another configuration, or omit the momentum that this
     *                               configuration needs
     */
    public static NeuralMemoryState fromBytes(MemoryConfig config, byte[] bytes) {
        ByteBuffer in = FramedBinary.unframe(bytes, MAGIC, VERSION, WHAT);
        int version = FramedBinary.version(bytes);
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
        boolean momentumStored = version < 2 || readMomentumFlag(in, config);
        if (fingerprint != config.fingerprint()) {
            throw new MemoryFormatException(WHAT + " was written for another memory configuration: fingerprint "
                    + Long.toHexString(fingerprint) + " but this memory has " + Long.toHexString(config.fingerprint())
                    + " (" + config.describe() + ")");
        }
        long position = FramedBinary.readLong(in, "position", WHAT);
        NeuralMemoryState s = new NeuralMemoryState(config);
        readRows(in, s.weights, count, "weights");
        if (momentumStored) {
            readRows(in, s.momentum, count, "momentum");
            if (!carriesMomentum(config)) {
                s.clearMomentum(); // η fixed 0: the stored S (version 1) cannot influence anything
            }
        }
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

    /** Reads the version-2 flags; true when the momentum follows the weights. */
    private static boolean readMomentumFlag(ByteBuffer in, MemoryConfig config) {
        int flags = FramedBinary.readInt(in, "flags", WHAT);
        if ((flags & ~MOMENTUM_OMITTED) != 0) {
            throw new MemoryFormatException(WHAT + " has unknown flags 0x" + Integer.toHexString(flags)
                    + " (only 0x1, momentum omitted, is defined)");
        }
        boolean omitted = (flags & MOMENTUM_OMITTED) != 0;
        if (omitted && carriesMomentum(config)) {
            throw new MemoryFormatException(WHAT + " omits the momentum S (it was written for a memory with η fixed"
                    + " at 0) but this memory's η is " + config.eta() + " and needs it; restore it with the"
                    + " configuration it was written for");
        }
        return !omitted;
    }

    /** Reads a length-prefixed array straight into row form, rejecting non-finite values. */
    private static void readRows(ByteBuffer in, double[][] rows, int count, String field) {
        FramedBinary.requireDoubles(in, count, field, WHAT);
        for (double[] row : rows) {
            FramedBinary.readInto(in, row);
            requireFinite(row, field);
        }
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
