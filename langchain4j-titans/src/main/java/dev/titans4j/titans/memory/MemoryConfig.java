package dev.titans4j.titans.memory;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Shape and write rule of one Titans neural memory (immutable, validated by {@link Builder#build()}).
 *
 * <h2>Memory model M</h2>
 * With {@code H = expansion · keyDimension} and layers numbered in the order they are applied:
 * <pre>
 *   a₀ = k
 *   a_l = σ(W_l · a_{l−1})          l = 1 … L−1   (W₁: H×d_k, W_l: H×H)
 *   o   = W_L · a_{L−1}              (W_L: d_v×H; for L = 1, W₁: d_v×d_k and o = W₁·k)
 *   r   = layerNorm ? LN(o) ⊙ (1 + γ) : o     (LN without learnable shift; γ is a memory weight, starts at 0)
 *   M(k) = residual ? k + r : r
 * </pre>
 * For L = 2 this is the paper's {@code M(x) = x + W1·σ(W2·x)} (its W2 is our W₁). No biases. Linear memory is
 * {@code layers = 1, residual = false}. The residual needs {@code keyDimension == valueDimension}.
 *
 * <h2>Write rule</h2>
 * {@code S_t = η·S_{t−1} − θ_t·∇ℓ(M₀; x_t)}, {@code M_t = (1 − α)·M_{t−1} + S_t}, with ℓ = ‖M(k_t) − v_t‖²,
 * θ per item and η, α per chunk of {@link #chunkSize()} items; ∇ is taken at M₀, the state at the start of the
 * chunk. See {@link NeuralMemory} for the exact chunk semantics.
 */
public final class MemoryConfig {

    private final int inputDimension;
    private final int keyDimension;
    private final int valueDimension;
    private final int layers;
    private final int expansion;
    private final Activation activation;
    private final boolean residual;
    private final boolean layerNorm;
    private final double layerNormEpsilon;
    private final int chunkSize;
    private final GateSpec theta;
    private final GateSpec eta;
    private final GateSpec alpha;
    private final double maxGradientNorm;
    private final int convolutionKernel;
    private final boolean projectionActivation;
    private final boolean normalizeQueryKey;
    private final boolean float32State;

    private MemoryConfig(Builder b) {
        this.inputDimension = b.inputDimension;
        this.keyDimension = b.keyDimension;
        this.valueDimension = b.valueDimension;
        this.layers = b.layers;
        this.expansion = b.expansion;
        this.activation = b.activation;
        this.residual = b.residual;
        this.layerNorm = b.layerNorm;
        this.layerNormEpsilon = b.layerNormEpsilon;
        this.chunkSize = b.chunkSize;
        this.theta = b.theta;
        this.eta = b.eta;
        this.alpha = b.alpha;
        this.maxGradientNorm = b.maxGradientNorm;
        this.convolutionKernel = b.convolutionKernel;
        this.projectionActivation = b.projectionActivation;
        this.normalizeQueryKey = b.normalizeQueryKey;
        this.float32State = b.float32State;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Dimension d of the inputs x. */
    public int inputDimension() {
        return inputDimension;
    }

    public int keyDimension() {
        return keyDimension;
    }

    public int valueDimension() {
        return valueDimension;
    }

    /** L_M, number of weight matrices of M. */
    public int layers() {
        return layers;
    }

    public int expansion() {
        return expansion;
    }

    /** Width H of the hidden layers ({@code expansion · keyDimension}); unused when {@code layers == 1}. */
    public int hiddenDimension() {
        return expansion * keyDimension;
    }

    public Activation activation() {
        return activation;
    }

    public boolean residual() {
        return residual;
    }

    public boolean layerNorm() {
        return layerNorm;
    }

    public double layerNormEpsilon() {
        return layerNormEpsilon;
    }

    public int chunkSize() {
        return chunkSize;
    }

    /** θ, the per-item learning rate of the surprise gradient. */
    public GateSpec theta() {
        return theta;
    }

    /** η, the per-chunk momentum decay of past surprise. */
    public GateSpec eta() {
        return eta;
    }

    /** α, the per-chunk forgetting (weight decay) gate. */
    public GateSpec alpha() {
        return alpha;
    }

    /** Per-item clamp of ‖∇ℓ‖ (0 = no clamp). */
    public double maxGradientNorm() {
        return maxGradientNorm;
    }

    /** Kernel width of the depthwise causal convolution on the k, v, q projections (0 = none). */
    public int convolutionKernel() {
        return convolutionKernel;
    }

    /** Whether SiLU is applied to k, v and q after the projections (as the paper does). */
    public boolean projectionActivation() {
        return projectionActivation;
    }

    /** Whether q and k are L2-normalised (after the activation). */
    public boolean normalizeQueryKey() {
        return normalizeQueryKey;
    }

    /**
     * Whether the state (weights and momentum) is kept in float32: computed in double, rounded to float after every
     * applied chunk and serialised as float32, so a restored memory continues bit-identically at half the bytes.
     */
    public boolean float32State() {
        return float32State;
    }

    /** Row dimensions of the memory weight matrices: {@code shapes[l] = {rows, cols}}. */
    int[][] layerShapes() {
        int[][] shapes = new int[layers][];
        int h = hiddenDimension();
        for (int l = 0; l < layers; l++) {
            int in = l == 0 ? keyDimension : h;
            int out = l == layers - 1 ? valueDimension : h;
            shapes[l] = new int[] {out, in};
        }
        return shapes;
    }

    /** Number of memory weights (matrices plus the LayerNorm gain). */
    public int memoryWeightCount() {
        int n = 0;
        for (int[] s : layerShapes()) {
            n += s[0] * s[1];
        }
        return n + (layerNorm ? valueDimension : 0);
    }

    /** Canonical text of every field; two configs with the same description behave identically. */
    public String describe() {
        return "d=" + inputDimension + ",dk=" + keyDimension + ",dv=" + valueDimension + ",L=" + layers
                + ",exp=" + expansion + ",act=" + activation + ",res=" + residual + ",ln=" + layerNorm
                + ",eps=" + layerNormEpsilon + ",C=" + chunkSize + ",theta=" + theta + ",eta=" + eta
                + ",alpha=" + alpha + ",clip=" + maxGradientNorm + ",conv=" + convolutionKernel
                + ",silu=" + projectionActivation + ",norm=" + normalizeQueryKey
                + (float32State ? ",f32=true" : ""); // absent when off: older fingerprints stay valid
    }

    /** 64-bit fingerprint of {@link #describe()}, stored in serialised state to reject foreign configs. */
    public long fingerprint() {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(describe().getBytes(StandardCharsets.UTF_8));
            return ByteBuffer.wrap(h).getLong();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MemoryConfig c && c.describe().equals(describe());
    }

    @Override
    public int hashCode() {
        return describe().hashCode();
    }

    @Override
    public String toString() {
        return "MemoryConfig{" + describe() + "}";
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.inputDimension = inputDimension;
        b.keyDimension = keyDimension;
        b.valueDimension = valueDimension;
        b.layers = layers;
        b.expansion = expansion;
        b.activation = activation;
        b.residual = residual;
        b.residualSet = true;
        b.layerNorm = layerNorm;
        b.layerNormEpsilon = layerNormEpsilon;
        b.chunkSize = chunkSize;
        b.theta = theta;
        b.eta = eta;
        b.alpha = alpha;
        b.maxGradientNorm = maxGradientNorm;
        b.convolutionKernel = convolutionKernel;
        b.projectionActivation = projectionActivation;
        b.normalizeQueryKey = normalizeQueryKey;
        b.float32State = float32State;
        return b;
    }

    /**
     * Builder. Only {@link #inputDimension(int)} is required; key and value dimensions default to it.
     * Defaults: 2 layers, expansion 4, GELU, residual when layers ≥ 2, no LayerNorm, chunk size 8,
     * θ = 0.1, η = 0.5, α = 0.001 (fixed), no gradient clamp, no convolution, SiLU on k/v/q, L2-normalised q/k.
     */
    public static final class Builder {
        private int inputDimension;
        private int keyDimension;
        private int valueDimension;
        private int layers = 2;
        private int expansion = 4;
        private Activation activation = Activation.GELU;
        private boolean residual;
        private boolean residualSet;
        private boolean layerNorm;
        private double layerNormEpsilon = 1e-5;
        private int chunkSize = 8;
        private GateSpec theta = GateSpec.fixed(0.1);
        private GateSpec eta = GateSpec.fixed(0.5);
        private GateSpec alpha = GateSpec.fixed(0.001);
        private double maxGradientNorm;
        private int convolutionKernel;
        private boolean projectionActivation = true;
        private boolean normalizeQueryKey = true;
        private boolean float32State;

        private Builder() {
        }

        public Builder inputDimension(int d) {
            this.inputDimension = d;
            return this;
        }

        public Builder keyDimension(int dk) {
            this.keyDimension = dk;
            return this;
        }

        public Builder valueDimension(int dv) {
            this.valueDimension = dv;
            return this;
        }

        public Builder layers(int layers) {
            this.layers = layers;
            return this;
        }

        public Builder expansion(int expansion) {
            this.expansion = expansion;
            return this;
        }

        public Builder activation(Activation activation) {
            this.activation = activation;
            return this;
        }

        public Builder residual(boolean residual) {
            this.residual = residual;
            this.residualSet = true;
            return this;
        }

        /** A linear memory {@code M(k) = W·k}: one layer, no residual. */
        public Builder linear() {
            return layers(1).residual(false);
        }

        public Builder layerNorm(boolean layerNorm) {
            this.layerNorm = layerNorm;
            return this;
        }

        public Builder layerNormEpsilon(double eps) {
            this.layerNormEpsilon = eps;
            return this;
        }

        public Builder chunkSize(int chunkSize) {
            this.chunkSize = chunkSize;
            return this;
        }

        public Builder theta(GateSpec theta) {
            this.theta = theta;
            return this;
        }

        public Builder eta(GateSpec eta) {
            this.eta = eta;
            return this;
        }

        public Builder alpha(GateSpec alpha) {
            this.alpha = alpha;
            return this;
        }

        /** Clamp each item's gradient to this Frobenius norm before the update (0 = off). */
        public Builder maxGradientNorm(double maxGradientNorm) {
            this.maxGradientNorm = maxGradientNorm;
            return this;
        }

        /** Depthwise causal convolution of this width on k, v, q (0 = off; the paper uses 4). */
        public Builder convolutionKernel(int kernel) {
            this.convolutionKernel = kernel;
            return this;
        }

        public Builder projectionActivation(boolean silu) {
            this.projectionActivation = silu;
            return this;
        }

        public Builder normalizeQueryKey(boolean normalize) {
            this.normalizeQueryKey = normalize;
            return this;
        }

        /** Keep the state in float32 (see {@link MemoryConfig#float32State()}); default false (double). */
        public Builder float32State(boolean float32) {
            this.float32State = float32;
            return this;
        }

        public MemoryConfig build() {
            require(inputDimension > 0, "inputDimension must be > 0, got " + inputDimension);
            if (keyDimension == 0) {
                keyDimension = inputDimension;
            }
            if (valueDimension == 0) {
                valueDimension = keyDimension;
            }
            require(keyDimension > 0, "keyDimension must be > 0, got " + keyDimension);
            require(valueDimension > 0, "valueDimension must be > 0, got " + valueDimension);
            require(layers >= 1, "layers must be >= 1, got " + layers);
            require(expansion >= 1, "expansion must be >= 1, got " + expansion);
            require(activation != null, "activation must not be null");
            if (!residualSet) {
                residual = layers >= 2;
            }
            require(!residual || keyDimension == valueDimension,
                    "residual memory needs keyDimension == valueDimension, got " + keyDimension + " and "
                            + valueDimension);
            require(layerNormEpsilon > 0 && Double.isFinite(layerNormEpsilon),
                    "layerNormEpsilon must be > 0, got " + layerNormEpsilon);
            require(chunkSize >= 1, "chunkSize must be >= 1, got " + chunkSize);
            require(theta != null && eta != null && alpha != null, "theta, eta and alpha must not be null");
            require(alpha.value() <= 1, "alpha (forgetting) and its maximum must be <= 1, got " + alpha);
            require(maxGradientNorm >= 0 && Double.isFinite(maxGradientNorm),
                    "maxGradientNorm must be >= 0 (0 = off), got " + maxGradientNorm);
            require(convolutionKernel >= 0, "convolutionKernel must be >= 0 (0 = off), got " + convolutionKernel);
            long weights = 0;
            int h = expansion * keyDimension;
            for (int l = 0; l < layers; l++) {
                long in = l == 0 ? keyDimension : h;
                long out = l == layers - 1 ? valueDimension : h;
                weights += in * out;
            }
            require(weights < Integer.MAX_VALUE / 2, "memory too large: " + weights + " weights");
            return new MemoryConfig(this);
        }

        private static void require(boolean ok, String message) {
            if (!ok) {
                throw new IllegalArgumentException(message);
            }
        }
    }
}
