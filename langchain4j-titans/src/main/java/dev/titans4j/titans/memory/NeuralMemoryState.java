package dev.titans4j.titans.memory;

import dev.titans4j.titans.format.CorruptStateException;
import dev.titans4j.titans.format.Envelope;

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
 * <p>Binary format: codec "TTNS" version 3 in the {@link Envelope}. Payload, big-endian:
 * <pre>
 *   fingerprint (int64) | d | d_k | d_v | memory weight count | chunk size | kernel (int32 each)
 *   | flags (int32; bit 0 = momentum omitted, set exactly when η is fixed 0; bit 1 = weights and momentum in
 *     float32, set exactly for a {@link MemoryConfig#float32State() float32 state}; other bits must be 0)
 *   | position (int64) | weights | momentum (absent when omitted)
 *   | pending count (int32) | per pending item: mask (byte), θ (float64), x, k, v
 *   | per convolution history row (kernel − 1 of them, oldest first): k, v, q
 * </pre>
 * Arrays are length-prefixed (int32 count, then the values), float64 unless flagged float32. Versions 1 and 2 are the
 * same payload in the older {@link FramedBinary} frame; version 1 has no flags field and always the momentum. Both
 * are still read (a stored momentum under η fixed 0 is discarded, as it cannot
 * influence anything). {@link #fromBytes} rejects corrupted, truncated, foreign, newer-version or other-config
 * input, and a state without momentum for a memory whose η is not fixed 0, with a {@link CorruptStateException}
 * that says which.
 */
public final class NeuralMemoryState {

    static final String MAGIC = "TTNS";
    static final int VERSION = 3;
    /** The newest version in the older frame. */
    private static final int FRAMED_VERSION = 2;
    /** Flags bit: the momentum S is not stored (η fixed 0). */
    static final int MOMENTUM_OMITTED = 1;
    /** Flags bit: weights and momentum are float32. */
    static final int FLOAT32 = 2;
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
        roundToFloat32();
    }

    /** For a float32 state: rounds weights and momentum to float (after every change, so live = restored). */
    void roundToFloat32() {
        if (!config.float32State()) {
            return;
        }
        for (double[][] rows : new double[][][] {weights, momentum}) {
            for (double[] row : rows) {
                for (int i = 0; i < row.length; i++) {
                    row[i] = (float) row[i];
                }
            }
        }
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
        int valueBytes = config.float32State() ? 4 : 8;
        long size = 8 + 6 * 4 + 4 + 8 + (withMomentum ? 2 : 1) * (4 + (long) valueBytes * count) + 4
                + (long) pending * (1 + 8 + 3 * 4 + 8L * (d + dk + dv))
                + (long) historyK.length * 3 * 4 + 8L * historyK.length * (2L * dk + dv);
        ByteBuffer out = ByteBuffer.allocate(Math.toIntExact(size)).order(ByteOrder.BIG_ENDIAN);
        out.putLong(config.fingerprint());
        out.putInt(d).putInt(dk).putInt(dv).putInt(count).putInt(config.chunkSize())
                .putInt(config.convolutionKernel());
        out.putInt((withMomentum ? 0 : MOMENTUM_OMITTED) | (config.float32State() ? FLOAT32 : 0));
        out.putLong(position);
        writeWeights(out, weights, count);
        if (withMomentum) {
            writeWeights(out, momentum, count);
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
        return Envelope.wrap(MAGIC, VERSION, out.array());
    }

    private void writeWeights(ByteBuffer out, double[][] rows, int count) {
        if (config.float32State()) {
            FramedBinary.writeRowsAsFloats(out, rows, count);
        } else {
            FramedBinary.writeRows(out, rows, count);
        }
    }

    /**
     * Parses a state written by {@link #toBytes()} (this format version or an older one) for a memory with
     * configuration {@code config}.
     *
     * @throws CorruptStateException if the bytes are corrupted, truncated, not a state, from a newer format version,
     *                               written for another configuration, or omit the momentum that this
     *                               configuration needs
     */
    public static NeuralMemoryState fromBytes(MemoryConfig config, byte[] bytes) {
        ByteBuffer in;
        int version;
        if (FramedBinary.isFrame(bytes, MAGIC)) {
            in = FramedBinary.unframe(bytes, MAGIC, FRAMED_VERSION, WHAT);
            version = FramedBinary.version(bytes);
        } else {
            Envelope.Payload payload = Envelope.open(bytes, MAGIC, VERSION, VERSION, WHAT);
            in = payload.buffer();
            version = payload.version();
        }
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
            throw new CorruptStateException(WHAT + " was written for another memory configuration: " + found
                    + " but this memory has " + expected);
        }
        int flags = version < 2 ? 0 : readFlags(in, config, version);
        boolean momentumStored = (flags & MOMENTUM_OMITTED) == 0;
        boolean float32 = (flags & FLOAT32) != 0;
        if (fingerprint != config.fingerprint()) {
            throw new CorruptStateException(WHAT + " was written for another memory configuration: fingerprint "
                    + Long.toHexString(fingerprint) + " but this memory has " + Long.toHexString(config.fingerprint())
                    + " (" + config.describe() + ")");
        }
        long position = FramedBinary.readLong(in, "position", WHAT);
        NeuralMemoryState s = new NeuralMemoryState(config);
        readRows(in, s.weights, count, "weights", float32);
        if (momentumStored) {
            readRows(in, s.momentum, count, "momentum", float32);
            if (!carriesMomentum(config)) {
                s.clearMomentum(); // η fixed 0: the stored S (version 1) cannot influence anything
            }
        }
        s.position = position;
        int pending = FramedBinary.readInt(in, "pending", WHAT);
        if (pending < 0 || pending >= chunk || s.position < pending) {
            throw new CorruptStateException(WHAT + " has an invalid partial chunk of " + pending + " items (chunk "
                    + chunk + ", position " + s.position + ")");
        }
        s.pending = pending;
        for (int j = 0; j < pending; j++) {
            if (!in.hasRemaining()) {
                throw new CorruptStateException(WHAT + " truncated in the partial chunk");
            }
            s.pendingMask[j] = in.get() != 0;
            if (in.remaining() < 8) {
                throw new CorruptStateException(WHAT + " truncated in the partial chunk");
            }
            s.pendingTheta[j] = in.getDouble();
            requireFinite(new double[] {s.pendingTheta[j]}, "pending theta");
            s.pendingX[j] = finiteDoubles(in, d, "pending x");
            s.pendingK[j] = finiteDoubles(in, dk, "pending k");
            s.pendingV[j] = finiteDoubles(in, dv, "pending v");
        }
        for (int i = 0; i < s.historyK.length; i++) {
            s.historyK[i] = finiteDoubles(in, dk, "history k");
            s.historyV[i] = finiteDoubles(in, dv, "history v");
            s.historyQ[i] = finiteDoubles(in, dk, "history q");
        }
        if (in.hasRemaining()) {
            throw new CorruptStateException(WHAT + " has " + in.remaining() + " unread payload bytes");
        }
        return s;
    }

    /** Reads and checks the flags (versions 2 and later). */
    private static int readFlags(ByteBuffer in, MemoryConfig config, int version) {
        int flags = FramedBinary.readInt(in, "flags", WHAT);
        int known = version >= 3 ? MOMENTUM_OMITTED | FLOAT32 : MOMENTUM_OMITTED;
        if ((flags & ~known) != 0) {
            throw new CorruptStateException(WHAT + " has unknown flags 0x" + Integer.toHexString(flags)
                    + " (defined: 0x1 momentum omitted" + (version >= 3 ? ", 0x2 float32" : "") + ")");
        }
        if (((flags & FLOAT32) != 0) != config.float32State()) {
            throw new CorruptStateException(WHAT + " was written " + ((flags & FLOAT32) != 0 ? "in float32" : "in "
                    + "float64") + " but this memory's float32State is " + config.float32State());
        }
        boolean omitted = (flags & MOMENTUM_OMITTED) != 0;
        if (omitted && carriesMomentum(config)) {
            throw new CorruptStateException(WHAT + " omits the momentum S (it was written for a memory with η fixed"
                    + " at 0) but this memory's η is " + config.eta() + " and needs it; restore it with the"
                    + " configuration it was written for");
        }
        return flags;
    }

    /** Reads a length-prefixed array straight into row form, rejecting non-finite values. */
    private static void readRows(ByteBuffer in, double[][] rows, int count, String field, boolean float32) {
        if (float32) {
            FramedBinary.readFloatRows(in, rows, count, field, WHAT);
        } else {
            FramedBinary.requireDoubles(in, count, field, WHAT);
            for (double[] row : rows) {
                FramedBinary.readInto(in, row);
            }
        }
        for (double[] row : rows) {
            requireFinite(row, field);
        }
    }

    /** Pending items and history feed the next chunk update: a NaN there would spread into every weight. */
    private static double[] finiteDoubles(ByteBuffer in, int expected, String field) {
        double[] values = FramedBinary.readDoubles(in, expected, field, WHAT);
        requireFinite(values, field);
        return values;
    }

    private static void requireFinite(double[] values, String field) {
        for (double v : values) {
            if (!Double.isFinite(v)) {
                throw new CorruptStateException(WHAT + " holds a non-finite value in " + field);
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
