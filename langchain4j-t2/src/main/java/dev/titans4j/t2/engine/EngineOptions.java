package dev.titans4j.t2.engine;

import java.util.Objects;

/**
 * How {@link OnnxModel} creates its ONNX Runtime session and KV caches.
 *
 * @param intraOpThreads threads used inside one operator (matrix multiplications); 0 lets ONNX Runtime choose
 *                       (one per physical core)
 * @param executionProvider CPU (default) or CUDA
 * @param cudaDeviceId the GPU to use with {@link ExecutionProvider#CUDA}
 * @param maxContextLength caps the context (KV cache length per request) below the model's own; 0 = the model's.
 *                         Each cache holds {@code 2 x layers x kvHeads x headDim x length} elements, so a smaller
 *                         cap saves memory per concurrent request.
 * @param intraOpSpinning whether ONNX Runtime's intra-op threads busy-wait between operators
 *                        ({@code session.intra_op.allow_spinning}). Off by default: decoding runs hundreds of short
 *                        parallel operators per token, and spinning threads compete with every other thread of the
 *                        application for the cores; with 2 threads on a busy 2-core machine, spinning decoded
 *                        2-5x slower than not spinning (SmolLM2-135M shape, fp32 and int4, decode-bench
 *                        interleaved runs). Turn it on only for a machine dedicated to inference, after measuring.
 */
public record EngineOptions(int intraOpThreads, ExecutionProvider executionProvider, int cudaDeviceId,
                            int maxContextLength, boolean intraOpSpinning) {

    public EngineOptions {
        if (intraOpThreads < 0) {
            throw new IllegalArgumentException("intraOpThreads must be >= 0 (0 = ONNX Runtime's default), got "
                    + intraOpThreads);
        }
        Objects.requireNonNull(executionProvider, "executionProvider");
        if (cudaDeviceId < 0) {
            throw new IllegalArgumentException("cudaDeviceId must be >= 0, got " + cudaDeviceId);
        }
        if (maxContextLength < 0) {
            throw new IllegalArgumentException("maxContextLength must be >= 0 (0 = the model's), got "
                    + maxContextLength);
        }
    }

    public static EngineOptions defaults() {
        return new EngineOptions(0, ExecutionProvider.CPU, 0, 0, false);
    }

    public EngineOptions withIntraOpThreads(int threads) {
        return new EngineOptions(threads, executionProvider, cudaDeviceId, maxContextLength, intraOpSpinning);
    }

    public EngineOptions withExecutionProvider(ExecutionProvider provider) {
        return new EngineOptions(intraOpThreads, provider, cudaDeviceId, maxContextLength, intraOpSpinning);
    }

    public EngineOptions withCudaDeviceId(int deviceId) {
        return new EngineOptions(intraOpThreads, executionProvider, deviceId, maxContextLength, intraOpSpinning);
    }

    public EngineOptions withMaxContextLength(int length) {
        return new EngineOptions(intraOpThreads, executionProvider, cudaDeviceId, length, intraOpSpinning);
    }

    public EngineOptions withIntraOpSpinning(boolean spinning) {
        return new EngineOptions(intraOpThreads, executionProvider, cudaDeviceId, maxContextLength, spinning);
    }
}
