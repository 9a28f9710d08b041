package dev.titans4j.titans.memory;

import dev.titans4j.titans.format.CorruptStateException;
import dev.titans4j.titans.format.Envelope;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/**
 * Outer-loop parameters of a neural memory: projections W_K, W_V, W_Q ({@code x·W}, stored row-major
 * {@code [d][out]}), depthwise convolution taps ({@code [channel][tap]}, last tap = current item), gate weights and
 * biases for θ, η, α, and the initial memory weights M₀ (layout of {@link MemoryNetwork}). Immutable; arrays are
 * copied in and out.
 *
 * <p>Binary format: codec "TTNP" version 2 in the {@link Envelope} (version 1, the same payload in the older
 * {@link FramedBinary} frame, is still read). Payload: ints d, d_k, d_v, kernel, memoryWeightCount, then
 * length-prefixed double arrays in the order W_K, W_V, W_Q, convK, convV, convQ, wθ, wη, wα, then doubles bθ, bη,
 * bα, then the initial memory weights.
 */
public final class MemoryParameters {

    static final String MAGIC = "TTNP";
    static final int VERSION = 2;
    private static final int FRAMED_VERSION = 1;
    private static final String WHAT = "memory parameter file";
    /** Seed of the default initial memory weights, so that every default memory starts identical. */
    public static final long DEFAULT_SEED = 0x5469_7461_6e73L;

    private final int inputDimension;
    private final int keyDimension;
    private final int valueDimension;
    private final int kernel;
    final double[] wK;
    final double[] wV;
    final double[] wQ;
    final double[] convK;
    final double[] convV;
    final double[] convQ;
    final double[] thetaW;
    final double[] etaW;
    final double[] alphaW;
    final double thetaB;
    final double etaB;
    final double alphaB;
    final double[] initialMemory;

    private MemoryParameters(int d, int dk, int dv, int kernel, double[] wK, double[] wV, double[] wQ,
                             double[] convK, double[] convV, double[] convQ, double[] thetaW, double[] etaW,
                             double[] alphaW, double thetaB, double etaB, double alphaB, double[] initialMemory) {
        this.inputDimension = d;
        this.keyDimension = dk;
        this.valueDimension = dv;
        this.kernel = kernel;
        this.wK = wK;
        this.wV = wV;
        this.wQ = wQ;
        this.convK = convK;
        this.convV = convV;
        this.convQ = convQ;
        this.thetaW = thetaW;
        this.etaW = etaW;
        this.alphaW = alphaW;
        this.thetaB = thetaB;
        this.etaB = etaB;
        this.alphaB = alphaB;
        this.initialMemory = initialMemory;
        for (double[] arr : new double[][] {wK, wV, wQ, convK, convV, convQ, thetaW, etaW, alphaW, initialMemory}) {
            for (double x : arr) {
                if (!Double.isFinite(x)) {
                    throw new IllegalArgumentException("memory parameters contain a non-finite value");
                }
            }
        }
        if (!Double.isFinite(thetaB) || !Double.isFinite(etaB) || !Double.isFinite(alphaB)) {
            throw new IllegalArgumentException("memory parameters contain a non-finite gate bias");
        }
    }

    /**
     * Untrained defaults: identity projections where the dimensions match (otherwise a seeded Gaussian
     * projection with variance 1/d), identity convolution (last tap 1), gates with w = 0 and b = 0 (data-dependent
     * gates then sit at half their maximum), and initial memory weights: zero for a linear memory; for deep memory
     * hidden layers Gaussian with variance 1/fan-in (seeded with {@link #DEFAULT_SEED}) and a zero output layer,
     * so an empty memory reads {@code M(q) = q} (residual) or 0.
     */
    public static MemoryParameters defaults(MemoryConfig config) {
        Random rnd = new Random(DEFAULT_SEED);
        int d = config.inputDimension();
        int dk = config.keyDimension();
        int dv = config.valueDimension();
        int kernel = config.convolutionKernel();
        MemoryNetwork net = new MemoryNetwork(config);
        double[] mem = new double[net.size()];
        for (int m = 0; m < net.layers() - 1; m++) {
            double std = 1.0 / Math.sqrt(net.cols(m));
            for (int i = 0; i < net.rows(m) * net.cols(m); i++) {
                mem[net.offset(m) + i] = std * rnd.nextGaussian();
            }
        }
        return new MemoryParameters(d, dk, dv, kernel, projection(d, dk, rnd), projection(d, dv, rnd),
                projection(d, dk, rnd), identityConv(dk, kernel), identityConv(dv, kernel), identityConv(dk, kernel),
                new double[d], new double[d], new double[d], 0, 0, 0, mem);
    }

    private static double[] projection(int d, int out, Random rnd) {
        double[] w = new double[d * out];
        if (d == out) {
            for (int i = 0; i < d; i++) {
                w[i * out + i] = 1.0;
            }
        } else {
            double std = 1.0 / Math.sqrt(d);
            for (int i = 0; i < w.length; i++) {
                w[i] = std * rnd.nextGaussian();
            }
        }
        return w;
    }

    private static double[] identityConv(int channels, int kernel) {
        double[] w = new double[channels * kernel];
        for (int c = 0; c < channels && kernel > 0; c++) {
            w[c * kernel + kernel - 1] = 1.0;
        }
        return w;
    }

    /** A copy with other projections (row-major {@code [d][out]}); everything else unchanged. */
    public MemoryParameters withProjections(double[] key, double[] value, double[] query) {
        check(key.length == wK.length && value.length == wV.length && query.length == wQ.length,
                "projection sizes must be " + wK.length + ", " + wV.length + ", " + wQ.length);
        return new MemoryParameters(inputDimension, keyDimension, valueDimension, kernel, key.clone(), value.clone(),
                query.clone(), convK, convV, convQ, thetaW, etaW, alphaW, thetaB, etaB, alphaB, initialMemory);
    }

    /** A copy with other gate weights and biases (each weight vector of length d). */
    public MemoryParameters withGates(double[] thetaWeights, double thetaBias, double[] etaWeights, double etaBias,
                                      double[] alphaWeights, double alphaBias) {
        check(thetaWeights.length == inputDimension && etaWeights.length == inputDimension
                && alphaWeights.length == inputDimension, "gate weight vectors must have length " + inputDimension);
        return new MemoryParameters(inputDimension, keyDimension, valueDimension, kernel, wK, wV, wQ, convK, convV,
                convQ, thetaWeights.clone(), etaWeights.clone(), alphaWeights.clone(), thetaBias, etaBias, alphaBias,
                initialMemory);
    }

    /** A copy with other convolution taps ({@code [channel][tap]}, last tap applies to the current item). */
    public MemoryParameters withConvolution(double[] key, double[] value, double[] query) {
        check(key.length == convK.length && value.length == convV.length && query.length == convQ.length,
                "convolution sizes must be " + convK.length + ", " + convV.length + ", " + convQ.length);
        return new MemoryParameters(inputDimension, keyDimension, valueDimension, kernel, wK, wV, wQ, key.clone(),
                value.clone(), query.clone(), thetaW, etaW, alphaW, thetaB, etaB, alphaB, initialMemory);
    }

    /** A copy with other initial memory weights (layout of the memory network). */
    public MemoryParameters withInitialMemory(double[] weights) {
        check(weights.length == initialMemory.length,
                "initial memory must have " + initialMemory.length + " weights, got " + weights.length);
        return new MemoryParameters(inputDimension, keyDimension, valueDimension, kernel, wK, wV, wQ, convK, convV,
                convQ, thetaW, etaW, alphaW, thetaB, etaB, alphaB, weights.clone());
    }

    public double[] keyProjection() {
        return wK.clone();
    }

    public double[] valueProjection() {
        return wV.clone();
    }

    public double[] queryProjection() {
        return wQ.clone();
    }

    public double[] initialMemory() {
        return initialMemory.clone();
    }

    /** Throws {@link IllegalArgumentException} naming the first dimension that does not fit {@code config}. */
    public void requireCompatible(MemoryConfig config) {
        check(inputDimension == config.inputDimension(), "parameters are for input dimension " + inputDimension
                + " but the memory config has " + config.inputDimension());
        check(keyDimension == config.keyDimension(), "parameters are for key dimension " + keyDimension
                + " but the memory config has " + config.keyDimension());
        check(valueDimension == config.valueDimension(), "parameters are for value dimension " + valueDimension
                + " but the memory config has " + config.valueDimension());
        check(kernel == config.convolutionKernel(), "parameters have convolution kernel " + kernel
                + " but the memory config has " + config.convolutionKernel());
        check(initialMemory.length == config.memoryWeightCount(), "parameters hold " + initialMemory.length
                + " initial memory weights but the memory config needs " + config.memoryWeightCount()
                + " (layers/expansion/LayerNorm differ)");
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    /** The binary form (see class comment). */
    public byte[] toBytes() {
        double[][] arrays = {wK, wV, wQ, convK, convV, convQ, thetaW, etaW, alphaW};
        long size = 5 * 4 + 3 * 8 + 4 + 8L * initialMemory.length;
        for (double[] a : arrays) {
            size += 4 + 8L * a.length;
        }
        ByteBuffer out = ByteBuffer.allocate(Math.toIntExact(size)).order(ByteOrder.BIG_ENDIAN);
        out.putInt(inputDimension).putInt(keyDimension).putInt(valueDimension).putInt(kernel)
                .putInt(initialMemory.length);
        for (double[] a : arrays) {
            FramedBinary.writeDoubles(out, a);
        }
        out.putDouble(thetaB).putDouble(etaB).putDouble(alphaB);
        FramedBinary.writeDoubles(out, initialMemory);
        return Envelope.wrap(MAGIC, VERSION, out.array());
    }

    /** Parses {@link #toBytes()} output (or a version 1 file); throws {@link CorruptStateException} on any problem. */
    public static MemoryParameters fromBytes(byte[] bytes) {
        ByteBuffer in = FramedBinary.isFrame(bytes, MAGIC) ? FramedBinary.unframe(bytes, MAGIC, FRAMED_VERSION, WHAT)
                : Envelope.open(bytes, MAGIC, VERSION, VERSION, WHAT).buffer();
        int d = FramedBinary.readInt(in, "d", WHAT);
        int dk = FramedBinary.readInt(in, "dk", WHAT);
        int dv = FramedBinary.readInt(in, "dv", WHAT);
        int kernel = FramedBinary.readInt(in, "kernel", WHAT);
        int memory = FramedBinary.readInt(in, "memoryWeightCount", WHAT);
        if (d <= 0 || dk <= 0 || dv <= 0 || kernel < 0 || memory <= 0) {
            throw new CorruptStateException(WHAT + " has invalid dimensions d=" + d + " dk=" + dk + " dv=" + dv
                    + " kernel=" + kernel + " memory=" + memory);
        }
        double[] wK = FramedBinary.readDoubles(in, product(d, dk, "W_K"), "W_K", WHAT);
        double[] wV = FramedBinary.readDoubles(in, product(d, dv, "W_V"), "W_V", WHAT);
        double[] wQ = FramedBinary.readDoubles(in, product(d, dk, "W_Q"), "W_Q", WHAT);
        double[] cK = FramedBinary.readDoubles(in, product(dk, kernel, "convK"), "convK", WHAT);
        double[] cV = FramedBinary.readDoubles(in, product(dv, kernel, "convV"), "convV", WHAT);
        double[] cQ = FramedBinary.readDoubles(in, product(dk, kernel, "convQ"), "convQ", WHAT);
        double[] tw = FramedBinary.readDoubles(in, d, "thetaW", WHAT);
        double[] ew = FramedBinary.readDoubles(in, d, "etaW", WHAT);
        double[] aw = FramedBinary.readDoubles(in, d, "alphaW", WHAT);
        if (in.remaining() < 24) {
            throw new CorruptStateException(WHAT + " truncated at the gate biases");
        }
        double tb = in.getDouble();
        double eb = in.getDouble();
        double ab = in.getDouble();
        double[] mem = FramedBinary.readDoubles(in, memory, "initialMemory", WHAT);
        if (in.hasRemaining()) {
            throw new CorruptStateException(WHAT + " has " + in.remaining() + " unread payload bytes");
        }
        try {
            return new MemoryParameters(d, dk, dv, kernel, wK, wV, wQ, cK, cV, cQ, tw, ew, aw, tb, eb, ab, mem);
        } catch (IllegalArgumentException e) {
            throw new CorruptStateException(WHAT + ": " + e.getMessage());
        }
    }

    /** The length of a stored matrix; dimensions read from a file must not wrap the int it is counted in. */
    private static int product(int rows, int cols, String field) {
        long n = (long) rows * cols;
        if (n > Integer.MAX_VALUE - 8) {
            throw new CorruptStateException(WHAT + " has dimensions " + rows + " x " + cols + " for " + field
                    + ", more values than an array holds");
        }
        return (int) n;
    }

    public void save(Path file) throws IOException {
        Files.write(file, toBytes());
    }

    public static MemoryParameters load(Path file) throws IOException {
        return fromBytes(Files.readAllBytes(file));
    }

    /** Loads a parameter file from the class path, e.g. {@code "/dev/titans4j/titans/memory/x.ttnp"}. */
    public static MemoryParameters loadResource(String resource) throws IOException {
        try (InputStream in = MemoryParameters.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IOException("memory parameter resource not found on the class path: " + resource);
            }
            return fromBytes(in.readAllBytes());
        }
    }
}
