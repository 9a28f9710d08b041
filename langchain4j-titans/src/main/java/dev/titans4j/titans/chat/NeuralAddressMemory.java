package dev.titans4j.titans.chat;

import dev.titans4j.titans.memory.GateSpec;
import dev.titans4j.titans.memory.MemoryConfig;
import dev.titans4j.titans.memory.MemoryParameters;
import dev.titans4j.titans.memory.NeuralMemory;
import dev.titans4j.titans.memory.WriteResult;

/**
 * The neural long-term memory of a chat, used as an associative address book: it learns, at test time, to map a
 * segment's key to that segment's address code, and a read {@code M*(q)} for a question's embedding is scored against
 * the codes of the archived segments. Without writes a linear memory reads 0 and points nowhere; a deep one reads its random initial map, i.e. noise.
 *
 * <h2>Layout</h2>
 * The engine's input is {@code x = [e ; c]}: the segment embedding e (dimension d_e) followed by its
 * {@link AddressCodes address code} c (dimension D). The outer-loop projections are fixed selections:
 * {@code k = normalise(e + β·e_prev)}, {@code v = c}, {@code q = normalise(e_q)}. With β = 0 (the content memory)
 * the key is the segment itself; with β &gt; 0 (the context memory) the key also carries the previous write's
 * embedding through the engine's causal convolution, so a segment can be found from the context it followed, e.g.
 * "Afterwards she went…" from the sentence naming "she". The write rule is the engine's (surprise with
 * momentum, forgetting α); with a linear memory, η = 0 and θ = 0.5 it is the delta rule that overwrites the key's
 * direction exactly, so newer segments with similar keys displace older ones, at the rate the memory decides.
 */
final class NeuralAddressMemory {

    private final MemoryConfig config;
    private final MemoryParameters parameters;
    private final AddressCodes codes;
    private final int embeddingDimension;
    /** Created on first use: a memory that is about to be restored never builds its initial state. */
    private NeuralMemory memory;

    /**
     * A checked config with its fixed parameters (selection projections, context convolution, initial weights):
     * computed once per chat memory and shared by every state it creates or loads (parameters are immutable).
     */
    record Layout(MemoryConfig config, MemoryParameters parameters) {

        static Layout of(MemoryConfig config, double contextWeight) {
            checkLayout(config, contextWeight);
            return new Layout(config, NeuralAddressMemory.parameters(config, contextWeight));
        }
    }

    NeuralAddressMemory(MemoryConfig config, double contextWeight) {
        this(Layout.of(config, contextWeight));
    }

    NeuralAddressMemory(Layout layout) {
        this.config = layout.config();
        this.parameters = layout.parameters();
        this.embeddingDimension = config.keyDimension();
        this.codes = new AddressCodes(config.valueDimension());
    }

    private NeuralMemory memory() {
        if (memory == null) {
            memory = NeuralMemory.create(config, parameters);
        }
        return memory;
    }

    /** Checks what this class needs of a config, without allocating a memory. */
    private static void checkLayout(MemoryConfig config, double contextWeight) {
        if (config.inputDimension() != config.keyDimension() + config.valueDimension()) {
            throw new IllegalArgumentException("TitansChatMemory needs a memory config with inputDimension = "
                    + "keyDimension (the embedding dimension) + valueDimension (the address code dimension), got "
                    + config);
        }
        int expectedKernel = contextWeight == 0 ? 0 : 2;
        if (config.convolutionKernel() != expectedKernel) {
            throw new IllegalArgumentException("memory config must have convolutionKernel " + expectedKernel
                    + " for context weight " + contextWeight + ", got " + config.convolutionKernel());
        }
    }

    /**
     * The default content memory for embeddings of dimension {@code d}: a 2-layer MLP (hidden 2d, GELU) from the
     * key to the D = d address code, θ = 0.02, η = 0, α = 1e-4. The deep memory holds far more segments than a
     * linear one before new writes blur old ones (paraphrased-needle tuning set: 0.90 vs 0.65 evidence recall read
     * alone), which matters because the content memory is the dense signal of recall.
     */
    static MemoryConfig defaultConfig(int embeddingDimension) {
        return defaultContextConfig(embeddingDimension).toBuilder()
                .layers(2)
                .expansion(2)
                .residual(false)
                .theta(GateSpec.fixed(0.02))
                .alpha(GateSpec.fixed(1e-4))
                .build();
    }

    /**
     * The default context memory (before {@link #withContext} adds its convolution): linear, D = d, θ = 0.5
     * (the delta rule: a new key's direction is overwritten exactly), η = 0, α = 0.001. Its keys mix two segments,
     * so it links a segment to the one before it; a deep memory did not help there on the tuning sets.
     */
    static MemoryConfig defaultContextConfig(int embeddingDimension) {
        return MemoryConfig.builder()
                .inputDimension(2 * embeddingDimension)
                .keyDimension(embeddingDimension)
                .valueDimension(embeddingDimension)
                .linear()
                .chunkSize(1)
                .theta(GateSpec.fixed(0.5))
                .eta(GateSpec.fixed(0.0))
                .alpha(GateSpec.fixed(0.001))
                .projectionActivation(false)
                .normalizeQueryKey(true)
                .build();
    }

    /** The same memory with the width-2 causal convolution that carries the previous write into the key. */
    static MemoryConfig withContext(MemoryConfig config) {
        return config.toBuilder().convolutionKernel(2).build();
    }

    private static MemoryParameters parameters(MemoryConfig config, double contextWeight) {
        int de = config.keyDimension();
        int dc = config.valueDimension();
        int d = config.inputDimension();
        double[] key = new double[d * de];
        double[] value = new double[d * dc];
        for (int i = 0; i < de; i++) {
            key[i * de + i] = 1.0;
        }
        for (int j = 0; j < dc; j++) {
            value[(de + j) * dc + j] = 1.0;
        }
        MemoryParameters p = MemoryParameters.defaults(config).withProjections(key, value, key.clone());
        if (config.convolutionKernel() == 2) {
            double[] convKey = new double[de * 2];
            double[] convValue = new double[dc * 2];
            double[] convQuery = new double[de * 2];
            for (int c = 0; c < de; c++) {
                convKey[c * 2] = contextWeight;
                convKey[c * 2 + 1] = 1.0;
                convQuery[c * 2 + 1] = 1.0;
            }
            for (int c = 0; c < dc; c++) {
                convValue[c * 2 + 1] = 1.0;
            }
            p = p.withConvolution(convKey, convValue, convQuery);
        }
        return p;
    }

    long position() {
        return memory().position();
    }

    /**
     * Writes one segment at the next stream position; {@code memorise == false} passes it through the stream with
     * θ = 0 (it still becomes the context of the next key). Returns the surprise ‖∇ℓ‖ of the write.
     */
    double write(float[] embedding, boolean memorise) {
        double[] x = new double[config.inputDimension()];
        for (int i = 0; i < embeddingDimension; i++) {
            x[i] = embedding[i];
        }
        codes.code(memory().position(), x, embeddingDimension);
        WriteResult result = memory().write(new double[][] {x}, new boolean[] {memorise});
        return result.surprise(0);
    }

    /** The read {@code M*(q)} for a query embedding. */
    double[] read(float[] queryEmbedding) {
        double[] x = new double[config.inputDimension()];
        for (int i = 0; i < embeddingDimension; i++) {
            x[i] = queryEmbedding[i];
        }
        return memory().read(x);
    }

    /** Cosine between a read and the address code of the write at {@code position}. */
    double score(double[] read, double readNorm, long position) {
        return codes.cosine(read, readNorm, position);
    }

    byte[] stateBytes() {
        return memory().stateBytes();
    }

    void restore(byte[] state) {
        this.memory = NeuralMemory.restore(config, parameters, state);
    }

    static double norm(double[] y) {
        double s = 0;
        for (double v : y) {
            s += v * v;
        }
        return Math.sqrt(s);
    }
}
