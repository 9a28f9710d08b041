package dev.titans4j.titans.chat;

import dev.titans4j.titans.memory.GateSpec;
import dev.titans4j.titans.memory.MemoryConfig;
import dev.titans4j.titans.memory.MemoryParameters;
import dev.titans4j.titans.memory.NeuralMemory;

import java.util.ArrayList;
import java.util.List;

/**
 * The neural long-term memory of a chat: a Titans memory trained at test time, with every archived key written as
 * both key and value, to predict the conversation's keys ({@code M(k) ≈ k}). What it learns is what this conversation
 * keeps saying: its speakers, its usual topics, its small talk. Recall searches with the part of the question the
 * memory does not predict, its surprise {@code q − M(q)} (normalised), so the words a question shares with half of
 * the chat stop pulling in half of the chat.
 *
 * <p>With the default linear memory, η = 0 and α = 0, each write is one delta-rule step
 * {@code M ← M − 2θ (M k − k) kᵀ}, which converges to the ridge solution {@code KᵀK (KᵀK + λI)⁻¹}; the read
 * {@code q − M q} is then {@code λ (KᵀK + λI)⁻¹ q}, the query whitened by the conversation's own key statistics
 * (a closed form the tests check). The state is fixed in size (d × d float32, 576 KiB for d = 384) whatever the
 * conversation's length.
 */
final class ExpectationMemory {

    /** θ of the default write; the engine's step is 2θ = 0.05 (tuned on the development half of LoCoMo). */
    static final double DEFAULT_THETA = 0.025;

    private final MemoryConfig config;
    private final MemoryParameters parameters;
    /** Created on first use: a memory that is about to be restored never builds its initial state. */
    private NeuralMemory memory;
    /** False for the ablation without writes: keys pass with θ = 0 and recall searches with the query itself. */
    private final boolean learning;

    ExpectationMemory(MemoryConfig config, MemoryParameters parameters, boolean learning) {
        this.config = config;
        this.parameters = parameters;
        this.learning = learning;
    }

    /**
     * The default for keys of dimension {@code d}: linear, key = value = query = the key (identity projections, no
     * SiLU), θ = {@value #DEFAULT_THETA}, η = 0, α = 0, chunk size 1, float32 state.
     */
    static MemoryConfig defaultConfig(int d) {
        return MemoryConfig.builder()
                .inputDimension(d)
                .layers(1)
                .residual(false)
                .chunkSize(1)
                .theta(GateSpec.fixed(DEFAULT_THETA))
                .eta(GateSpec.fixed(0))
                .alpha(GateSpec.fixed(0))
                .projectionActivation(false)
                .normalizeQueryKey(true)
                .float32State(true)
                .build();
    }

    /**
     * Identity projections for {@code config}, which must map d → d with no convolution, and keep key = value = query
     * = the normalised embedding, which {@link #surprise} subtracts the read from: no residual (M(k) = k + f(k) fits
     * v = k with f at zero, so the memory never learns and its read is rounding noise), no SiLU on the projections,
     * normalised keys.
     */
    static MemoryParameters identityParameters(MemoryConfig config) {
        int d = config.inputDimension();
        if (config.keyDimension() != d || config.valueDimension() != d || config.convolutionKernel() != 0) {
            throw new IllegalArgumentException("TitansChatMemory needs a memory config with inputDimension = "
                    + "keyDimension = valueDimension (the embedding dimension) and no convolution, got " + config);
        }
        List<String> needed = new ArrayList<>();
        if (config.residual()) {
            needed.add("residual(false)");
        }
        if (config.projectionActivation()) {
            needed.add("projectionActivation(false)");
        }
        if (!config.normalizeQueryKey()) {
            needed.add("normalizeQueryKey(true)");
        }
        if (!needed.isEmpty()) {
            throw new IllegalArgumentException("memoryConfig must have " + String.join(", ", needed) + ": "
                    + "TitansChatMemory's memory predicts the normalised embedding from itself (key = value = query)");
        }
        double[] identity = new double[d * d];
        for (int i = 0; i < d; i++) {
            identity[i * d + i] = 1.0;
        }
        return MemoryParameters.defaults(config).withProjections(identity, identity.clone(), identity.clone());
    }

    private NeuralMemory memory() {
        if (memory == null) {
            memory = NeuralMemory.create(config, parameters);
        }
        return memory;
    }

    /**
     * Writes one key. Returns the write's surprise: the norm of the gradient ‖∇ℓ‖, how far the memory was from
     * predicting this key.
     */
    double write(float[] key) {
        double[] x = new double[key.length];
        for (int i = 0; i < x.length; i++) {
            x[i] = key[i];
        }
        return memory().write(new double[][] {x}, new boolean[] {learning}).surprise(0);
    }

    /** The normalised surprise of a query, {@code (q − M(q)) / ‖q − M(q)‖}; {@code q} itself before any write. */
    double[] surprise(double[] q) {
        if (!learning || writes() == 0) {
            return q.clone();
        }
        double[] predicted = memory().read(q);
        double[] r = new double[q.length];
        double norm = 0;
        double qNorm = 0;
        for (int i = 0; i < q.length; i++) {
            qNorm += q[i] * q[i];
        }
        qNorm = Math.sqrt(qNorm);
        for (int i = 0; i < q.length; i++) {
            r[i] = q[i] / qNorm - predicted[i]; // the memory reads the normalised query
            norm += r[i] * r[i];
        }
        norm = Math.sqrt(norm);
        if (norm == 0) {
            return q.clone();
        }
        for (int i = 0; i < r.length; i++) {
            r[i] /= norm;
        }
        return r;
    }

    long writes() {
        return memory == null ? 0 : memory.position();
    }

    byte[] stateBytes() {
        return memory().stateBytes();
    }

    void restore(byte[] state) {
        this.memory = NeuralMemory.restore(config, parameters, state);
    }
}
