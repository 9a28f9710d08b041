package dev.titans4j.t2.engine;

import java.util.Objects;

/**
 * How {@link OnnxModel} creates its ONNX Runtime session and KV caches.
 *
 * @param intraOpThreads threads used inside one operator (matrix multiplications); 0 lets ONNX Runtime choose
 *                       (one per physical core)
 * @param executionProvider CPU (default) or CUDA (needs the {@code -Pcuda} build and an fp16 export; unmeasured:
 *                          README, "The CUDA path")
 * @param cudaDeviceId the GPU to use with {@link ExecutionProvider#CUDA}
 * @param maxContextLength caps the context (KV cache length per request) below the model's own; 0 = the model's.
 *                         Each cache holds {@code 2 x layers x kvHeads x headDim x length} elements, so a smaller
 *                         cap saves memory per concurrent request.
 * @param intraOpSpinning whether ONNX Runtime's intra-op threads busy-wait between operators
 *                        ({@code session.intra_op.allow_spinning}; ONNX Runtime's default, and ours). Decoding runs
 *                        hundreds of short parallel operators per token: on cores kept for inference spinning is
 *                        faster, but spinning threads compete with every other thread for the cores and lose
 *                        several times over on a busy machine (BENCHMARKS.md, "Intra-op spinning"). Turn it off
 *                        when the application or other processes need the same cores.
 * @param plainCompanion whether sessions without Transformer² multipliers run the export's plain companion graph
 *                       ({@code model-plain.onnx}; the SVF graph decodes slower even with identity multipliers:
 *                       BENCHMARKS.md, "Decode speed") when the export has one (default true). The SVF graph
 *                       {@code model.onnx} is then loaded on the first request that mixes experts, after which both
 *                       graphs' weights are in memory. False: always {@code model.onnx}, one copy of the weights, for applications
 *                       that mix experts on every request.
 * @param verifyChecksums whether loading reads every file the model uses to compare its CRC32C with the manifest's
 *                        (default false: ~0.12 s per GB more on load from the page cache, the disk's read time
 *                        otherwise; see BENCHMARKS.md). File sizes are compared on every load
 *                        either way, which catches truncated copies; checksums also catch flipped bytes. Exports
 *                        made before the manifest recorded digests load unchecked.
 * @param prefixCacheBytes bytes of Java heap the prefix KV cache may hold (default {@link #DEFAULT_PREFIX_CACHE_BYTES},
 *                         at most a quarter of the maximum heap; 0 = off). The {@link Generator} keeps the keys and
 *                         values of finished requests and a new request whose prompt starts with the same tokens
 *                         (the next chat turn, the next tool round, a shared system prompt) prefills only the rest;
 *                         least recently used sequences are dropped to stay within the budget. A position costs
 *                         {@code 2 x layers x kvHeads x headDim x 4} bytes in fp32 (46 KB for SmolLM2-135M).
 * @param prefillChunkTokens the most prompt tokens the {@link Generator} runs at once (default
 *                           {@link #DEFAULT_PREFILL_CHUNK_TOKENS}; 0 = the whole prompt in one run): between chunks
 *                           it checks for cancellation and reports progress, so a long prompt can be cancelled
 * @param maxBatchSize the most concurrent requests the {@link Generator} decodes in one batched model run (default
 *                     {@link #DEFAULT_MAX_BATCH_SIZE}; 1 = every request decodes alone). Requests join a batch after
 *                     their own prefill and leave it when they end; requests with different Transformer² multipliers
 *                     decode in different batches. Graphs whose rotary embedding is not fused into the attention
 *                     (head_dim not a multiple of 16) always decode alone.
 * @param kvCacheBytes the KV memory of all requests in flight together (default {@link #DEFAULT_KV_CACHE_BYTES};
 *                     0 = no limit). Each request counts one context of KV ({@code 2 x layers x kvHeads x headDim x
 *                     contextLength x element bytes}) from admission to its end; a request that would exceed the
 *                     budget waits (first come, first served, cancellable) until another ends. Loading fails when
 *                     one request alone exceeds it. The prefix cache has its own budget.
 */
public record EngineOptions(int intraOpThreads, ExecutionProvider executionProvider, int cudaDeviceId,
                            int maxContextLength, boolean intraOpSpinning, boolean plainCompanion,
                            boolean verifyChecksums, long prefixCacheBytes, int prefillChunkTokens,
                            int maxBatchSize, long kvCacheBytes) {

    /** 256 MiB: the KV of about 5,800 positions of SmolLM2-135M in fp32. */
    public static final long DEFAULT_PREFIX_CACHE_BYTES = 256L << 20;
    /**
     * 256 tokens: about 0.16 s of prefill for SmolLM2-135M in fp32 at 2 threads; no cost of chunking stood out of
     * the noise in the prefix cache benchmark (BENCHMARKS.md).
     */
    public static final int DEFAULT_PREFILL_CHUNK_TOKENS = 256;
    /** 8 concurrent requests per batched decode step. */
    public static final int DEFAULT_MAX_BATCH_SIZE = 8;
    /** 4 GiB: 11 requests at SmolLM2-135M's full 8,192-token context in fp32. */
    public static final long DEFAULT_KV_CACHE_BYTES = 4L << 30;

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
        if (prefixCacheBytes < 0) {
            throw new IllegalArgumentException("prefixCacheBytes must be >= 0 (0 = no prefix cache), got "
                    + prefixCacheBytes);
        }
        if (prefillChunkTokens < 0) {
            throw new IllegalArgumentException("prefillChunkTokens must be >= 0 (0 = the whole prompt at once), got "
                    + prefillChunkTokens);
        }
        if (maxBatchSize < 1) {
            throw new IllegalArgumentException("maxBatchSize must be >= 1 (1 = no batching), got " + maxBatchSize);
        }
        if (kvCacheBytes < 0) {
            throw new IllegalArgumentException("kvCacheBytes must be >= 0 (0 = no limit), got " + kvCacheBytes);
        }
    }

    /** The options before batched decoding existed: batching and the KV budget at their defaults. */
    public EngineOptions(int intraOpThreads, ExecutionProvider executionProvider, int cudaDeviceId,
                         int maxContextLength, boolean intraOpSpinning, boolean plainCompanion,
                         boolean verifyChecksums, long prefixCacheBytes, int prefillChunkTokens) {
        this(intraOpThreads, executionProvider, cudaDeviceId, maxContextLength, intraOpSpinning, plainCompanion,
                verifyChecksums, prefixCacheBytes, prefillChunkTokens, DEFAULT_MAX_BATCH_SIZE,
                DEFAULT_KV_CACHE_BYTES);
    }

    /** The options before {@code plainCompanion} existed: sessions without multipliers use the companion. */
    public EngineOptions(int intraOpThreads, ExecutionProvider executionProvider, int cudaDeviceId,
                         int maxContextLength, boolean intraOpSpinning) {
        this(intraOpThreads, executionProvider, cudaDeviceId, maxContextLength, intraOpSpinning, true);
    }

    /** The options before {@code verifyChecksums} existed: sizes checked on load, checksums not. */
    public EngineOptions(int intraOpThreads, ExecutionProvider executionProvider, int cudaDeviceId,
                         int maxContextLength, boolean intraOpSpinning, boolean plainCompanion) {
        this(intraOpThreads, executionProvider, cudaDeviceId, maxContextLength, intraOpSpinning, plainCompanion,
                false);
    }

    /** The options before the prefix cache and chunked prefill existed: both at their defaults. */
    public EngineOptions(int intraOpThreads, ExecutionProvider executionProvider, int cudaDeviceId,
                         int maxContextLength, boolean intraOpSpinning, boolean plainCompanion,
                         boolean verifyChecksums) {
        this(intraOpThreads, executionProvider, cudaDeviceId, maxContextLength, intraOpSpinning, plainCompanion,
                verifyChecksums, DEFAULT_PREFIX_CACHE_BYTES, DEFAULT_PREFILL_CHUNK_TOKENS);
    }

    public static EngineOptions defaults() {
        return new EngineOptions(0, ExecutionProvider.CPU, 0, 0, true, true, false);
    }

    public EngineOptions withIntraOpThreads(int threads) {
        return new EngineOptions(threads, executionProvider, cudaDeviceId, maxContextLength, intraOpSpinning,
                plainCompanion, verifyChecksums, prefixCacheBytes, prefillChunkTokens, maxBatchSize,
                kvCacheBytes);
    }

    public EngineOptions withExecutionProvider(ExecutionProvider provider) {
        return new EngineOptions(intraOpThreads, provider, cudaDeviceId, maxContextLength, intraOpSpinning,
                plainCompanion, verifyChecksums, prefixCacheBytes, prefillChunkTokens, maxBatchSize,
                kvCacheBytes);
    }

    public EngineOptions withCudaDeviceId(int deviceId) {
        return new EngineOptions(intraOpThreads, executionProvider, deviceId, maxContextLength, intraOpSpinning,
                plainCompanion, verifyChecksums, prefixCacheBytes, prefillChunkTokens, maxBatchSize,
                kvCacheBytes);
    }

    public EngineOptions withMaxContextLength(int length) {
        return new EngineOptions(intraOpThreads, executionProvider, cudaDeviceId, length, intraOpSpinning,
                plainCompanion, verifyChecksums, prefixCacheBytes, prefillChunkTokens, maxBatchSize,
                kvCacheBytes);
    }

    public EngineOptions withIntraOpSpinning(boolean spinning) {
        return new EngineOptions(intraOpThreads, executionProvider, cudaDeviceId, maxContextLength, spinning,
                plainCompanion, verifyChecksums, prefixCacheBytes, prefillChunkTokens, maxBatchSize,
                kvCacheBytes);
    }

    public EngineOptions withPlainCompanion(boolean usePlainCompanion) {
        return new EngineOptions(intraOpThreads, executionProvider, cudaDeviceId, maxContextLength, intraOpSpinning,
                usePlainCompanion, verifyChecksums, prefixCacheBytes, prefillChunkTokens, maxBatchSize,
                kvCacheBytes);
    }

    /** Compare each file's CRC32C with the manifest on load (reads every file once more), not only its size. */
    public EngineOptions withVerifyChecksums(boolean verify) {
        return new EngineOptions(intraOpThreads, executionProvider, cudaDeviceId, maxContextLength, intraOpSpinning,
                plainCompanion, verify, prefixCacheBytes, prefillChunkTokens, maxBatchSize,
                kvCacheBytes);
    }

    /** The prefix cache's budget in bytes (0 turns it off); see {@link #prefixCacheBytes()}. */
    public EngineOptions withPrefixCacheBytes(long bytes) {
        return new EngineOptions(intraOpThreads, executionProvider, cudaDeviceId, maxContextLength, intraOpSpinning,
                plainCompanion, verifyChecksums, bytes, prefillChunkTokens, maxBatchSize, kvCacheBytes);
    }

    /** The most prompt tokens run at once (0 = the whole prompt); see {@link #prefillChunkTokens()}. */
    public EngineOptions withPrefillChunkTokens(int tokens) {
        return new EngineOptions(intraOpThreads, executionProvider, cudaDeviceId, maxContextLength, intraOpSpinning,
                plainCompanion, verifyChecksums, prefixCacheBytes, tokens, maxBatchSize, kvCacheBytes);
    }

    /** The most requests decoded in one batched run (1 = no batching); see {@link #maxBatchSize()}. */
    public EngineOptions withMaxBatchSize(int size) {
        return new EngineOptions(intraOpThreads, executionProvider, cudaDeviceId, maxContextLength, intraOpSpinning,
                plainCompanion, verifyChecksums, prefixCacheBytes, prefillChunkTokens, size, kvCacheBytes);
    }

    /** The KV memory of all requests in flight (0 = no limit); see {@link #kvCacheBytes()}. */
    public EngineOptions withKvCacheBytes(long bytes) {
        return new EngineOptions(intraOpThreads, executionProvider, cudaDeviceId, maxContextLength, intraOpSpinning,
                plainCompanion, verifyChecksums, prefixCacheBytes, prefillChunkTokens, maxBatchSize, bytes);
    }
}
