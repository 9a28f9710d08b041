package dev.titans4j.titans.memory;

/**
 * One Titans neural long-term memory (arXiv 2501.00663 §3): a small MLP M whose weights are trained at test time
 * by gradient descent with momentum and forgetting on the associative loss ℓ = ‖M(k) − v‖².
 *
 * <h2>Write</h2>
 * Items are grouped into chunks of C = {@link MemoryConfig#chunkSize()} consecutive items of the stream. For a
 * chunk of n items with M₀, S₀ the weights and momentum at its start:
 * <pre>
 *   u_i = ∇ℓ(M₀; x_i)                    gradient at the chunk-start state (clamped to maxGradientNorm if set)
 *   S_i = η·S_{i−1} − θ_i·u_i            i = 1 … n
 *   M_i = (1 − α)·M_{i−1} + S_i
 * </pre>
 * θ_i is per item (0 for masked items); η and α are per chunk, and when data-dependent they are evaluated on the
 * mean x of all n items of the chunk (masked ones included). With C = 1 this is exactly the sequential rule
 * {@code S_t = η_t S_{t−1} − θ_t ∇ℓ(M_{t−1}; x_t)}, {@code M_t = (1 − α_t) M_{t−1} + S_t}.
 *
 * <p>A chunk is applied only when it is full; until then its items wait in the state (the partial chunk), so
 * writing a stream in one call or in any pieces gives bit-identical states. {@link #flush()} applies a partial
 * chunk early (as a chunk of n &lt; C items); call it when a following {@link #read} must see the latest items, or
 * at the end of a stream. Flushing moves the chunk boundaries, so only streams flushed at the same positions are
 * comparable. Serialisation keeps the partial chunk; there is no need to flush before saving. With η fixed at 0
 * the momentum is not computed (it cannot carry anything over; it stays zero) and is not serialised.
 *
 * <h2>Read</h2>
 * {@code y = M₀(q)}: a forward pass with the weights as of the last applied chunk, no update.
 *
 * <h2>Divergence</h2>
 * A chunk whose items have a non-finite loss or gradient (θ too large for the inputs' scale) is never applied:
 * {@code write}/{@code flush} throw {@link IllegalStateException} and keep throwing for this instance, whose
 * weights are still the last finite ones; restore a saved state and lower θ or set a gradient clamp. Chunks of the
 * same call that were completed before the failing one stay applied.
 *
 * <h2>Threads</h2>
 * Not thread-safe: one instance must not be used by two threads at the same time (guard it externally, e.g.
 * one lock per memory id). Different instances are independent.
 */
public final class NeuralMemory {

    private final MemoryConfig config;
    private final MemoryParameters parameters;
    private final MemoryNetwork network;
    private final Projector projector;
    private final NeuralMemoryState state;
    private final MemoryNetwork.Trace trace;
    private final MemoryNetwork.Trace readTrace;
    private final double[] scratchQ;
    private final double[] gateMean;
    /** False when η is fixed 0: the momentum is not computed (stays zero) and not serialised. */
    private final boolean momentumCarried;
    /** Pending items whose trace (activations, deltas at M₀) is already in {@link #trace}. */
    private int traced;

    private NeuralMemory(MemoryConfig config, MemoryParameters parameters, NeuralMemoryState state) {
        this.config = config;
        this.parameters = parameters;
        this.projector = new Projector(config, parameters);
        this.network = new MemoryNetwork(config);
        this.state = state;
        this.trace = network.newTrace(config.chunkSize());
        this.readTrace = network.newTrace(1);
        this.scratchQ = new double[config.keyDimension()];
        this.gateMean = new double[config.inputDimension()];
        this.momentumCarried = NeuralMemoryState.carriesMomentum(config);
    }

    /** A fresh memory with {@link MemoryParameters#defaults(MemoryConfig) default parameters}. */
    public static NeuralMemory create(MemoryConfig config) {
        return create(config, MemoryParameters.defaults(config));
    }

    /** A fresh memory whose weights start at {@code parameters}' initial memory. */
    public static NeuralMemory create(MemoryConfig config, MemoryParameters parameters) {
        parameters.requireCompatible(config);
        return new NeuralMemory(config, parameters, new NeuralMemoryState(config, parameters.initialMemory));
    }

    /** A memory continuing from {@code state} (copied). */
    public static NeuralMemory restore(MemoryConfig config, MemoryParameters parameters, NeuralMemoryState state) {
        if (!state.config.equals(config)) {
            throw new IllegalArgumentException("state belongs to another memory configuration: " + state.config
                    + " vs " + config);
        }
        return new NeuralMemory(config, parameters, state.copy());
    }

    /** A memory continuing from serialised state; see {@link NeuralMemoryState#fromBytes}. */
    public static NeuralMemory restore(MemoryConfig config, MemoryParameters parameters, byte[] state) {
        return new NeuralMemory(config, parameters, NeuralMemoryState.fromBytes(config, state));
    }

    public MemoryConfig config() {
        return config;
    }

    public MemoryParameters parameters() {
        return parameters;
    }

    /** A snapshot (deep copy) of the current state. */
    public NeuralMemoryState state() {
        return state.copy();
    }

    /** Serialised current state ({@link NeuralMemoryState#toBytes()}). */
    public byte[] stateBytes() {
        return state.toBytes();
    }

    /** Items written so far (including the partial chunk). */
    public long position() {
        return state.position;
    }

    /** Writes every item (none masked). */
    public WriteResult write(double[]... xs) {
        return write(xs, null);
    }

    /** Writes items; {@code mask[i] == false} means item i is not memorised (θ = 0). {@code mask} may be null. */
    public WriteResult write(double[][] xs, boolean[] mask) {
        validate(xs, mask);
        int n = xs.length;
        double[] losses = new double[n];
        double[] surprises = new double[n];
        int c = config.chunkSize();
        int i = 0;
        while (i < n) {
            int first = state.pending;
            int firstItem = i;
            while (i < n && state.pending < c) {
                enqueue(xs[i], mask == null || mask[i]);
                i++;
            }
            traceUpTo(state.pending);
            for (int j = first; j < state.pending; j++) {
                losses[firstItem + j - first] = trace.loss[j];
                surprises[firstItem + j - first] = trace.gradNorm[j];
            }
            if (state.pending == c) {
                applyChunk();
            }
        }
        return new WriteResult(losses, surprises);
    }

    /** Float convenience for {@link #write(double[][], boolean[])}. */
    public WriteResult write(float[][] xs, boolean[] mask) {
        if (xs == null) {
            throw new IllegalArgumentException("items must not be null");
        }
        double[][] d = new double[xs.length][];
        for (int i = 0; i < xs.length; i++) {
            d[i] = toDouble(xs[i], "item " + i);
        }
        return write(d, mask);
    }

    /** Applies the partial chunk now, if any (see the class comment for when this is needed). */
    public void flush() {
        if (state.pending > 0) {
            traceUpTo(state.pending);
            applyChunk();
        }
    }

    /** {@code M₀(q(x))} with no update. */
    public double[] read(double[] x) {
        requireInput(x, "read input");
        projector.query(x, state, scratchQ);
        return readKey(scratchQ);
    }

    /** Float convenience for {@link #read(double[])}. */
    public float[] read(float[] x) {
        double[] y = read(toDouble(x, "read input"));
        float[] out = new float[y.length];
        for (int i = 0; i < y.length; i++) {
            out[i] = (float) y[i];
        }
        return out;
    }

    /** M₀(q) for an already projected query q (length keyDimension), bypassing W_Q, SiLU and normalisation. */
    public double[] readKey(double[] q) {
        if (q == null || q.length != config.keyDimension()) {
            throw new IllegalArgumentException("query must have length " + config.keyDimension());
        }
        System.arraycopy(q, 0, readTrace.key(0), 0, q.length);
        network.forward(state.weights, readTrace, 0, 1);
        return readTrace.y[0].clone();
    }

    private void enqueue(double[] x, boolean memorise) {
        int j = state.pending;
        System.arraycopy(x, 0, state.pendingX[j], 0, x.length);
        projector.keyValue(x, state, state.pendingK[j], state.pendingV[j], scratchQ);
        state.pendingTheta[j] = memorise ? projector.theta(x) : 0.0;
        state.pendingMask[j] = memorise;
        state.pending++;
        state.position++;
    }

    /** Computes the forward/backward trace at M₀ for pending items not yet traced. */
    private void traceUpTo(int end) {
        if (traced >= end) {
            return;
        }
        for (int j = traced; j < end; j++) {
            System.arraycopy(state.pendingK[j], 0, trace.key(j), 0, config.keyDimension());
            System.arraycopy(state.pendingV[j], 0, trace.v[j], 0, config.valueDimension());
        }
        network.forward(state.weights, trace, traced, end);
        network.backward(state.weights, trace, traced, end);
        traced = end;
    }

    private void applyChunk() {
        int n = state.pending;
        double[] scale = new double[n];
        double clamp = config.maxGradientNorm();
        for (int j = 0; j < n; j++) {
            double g = trace.gradNorm[j];
            if (!Double.isFinite(g) || !Double.isFinite(trace.loss[j])) {
                // never fold a non-finite gradient into the weights; the state keeps the chunk pending
                throw new IllegalStateException("neural memory diverged: item " + j + " of the chunk at position "
                        + (state.position - n) + " has a non-finite loss or gradient (loss " + trace.loss[j]
                        + ", gradient norm " + g + "); lower theta, enable maxGradientNorm or scale the inputs");
            }
            double factor = clamp > 0 && g > clamp ? clamp / g : 1.0;
            scale[j] = state.pendingTheta[j] * factor;
        }
        double eta;
        double alpha;
        if (config.eta().isDataDependent() || config.alpha().isDataDependent()) {
            java.util.Arrays.fill(gateMean, 0.0);
            for (int j = 0; j < n; j++) {
                MemoryNetwork.axpy(1.0 / n, state.pendingX[j], gateMean, gateMean.length);
            }
            eta = projector.eta(gateMean);
            alpha = projector.alpha(gateMean);
        } else {
            eta = config.eta().value();
            alpha = config.alpha().value();
        }
        // η fixed 0: S never reaches the next chunk, so it is neither read nor updated and stays +0 (as in a
        // restored state, which does not store it): live and restored memories continue bit-identically
        ChunkUpdate.apply(network, state.weights, momentumCarried ? state.momentum : null, trace, n, scale, eta,
                alpha);
        state.roundToFloat32();
        state.pending = 0;
        traced = 0;
    }

    private void validate(double[][] xs, boolean[] mask) {
        if (xs == null) {
            throw new IllegalArgumentException("items must not be null");
        }
        if (mask != null && mask.length != xs.length) {
            throw new IllegalArgumentException("mask has " + mask.length + " entries but there are " + xs.length
                    + " items");
        }
        for (int i = 0; i < xs.length; i++) {
            requireInput(xs[i], "item " + i);
        }
    }

    private void requireInput(double[] x, String what) {
        if (x == null) {
            throw new IllegalArgumentException(what + " must not be null");
        }
        if (x.length != config.inputDimension()) {
            throw new IllegalArgumentException(what + " has dimension " + x.length + ", expected "
                    + config.inputDimension());
        }
        for (int i = 0; i < x.length; i++) {
            if (!Double.isFinite(x[i])) {
                throw new IllegalArgumentException(what + " has a non-finite value at index " + i);
            }
        }
    }

    private static double[] toDouble(float[] x, String what) {
        if (x == null) {
            throw new IllegalArgumentException(what + " must not be null");
        }
        double[] d = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            d[i] = x[i];
        }
        return d;
    }
}
