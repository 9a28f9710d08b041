package dev.titans4j.t2.engine;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * One request's key/value cache: per layer a key and a value tensor of shape {@code [1, kvHeads, capacity, headDim]}
 * over direct buffers allocated once. Each tensor is passed to ONNX Runtime both as the {@code past_key_values}
 * input and as the pinned {@code present} output, so the graph writes new positions in place and nothing is
 * reallocated per token. It also records the token id at each written position, so its contents can be kept
 * ({@link KvSnapshot}) and matched against later prompts ({@link PrefixCache}). Not thread-safe: one request uses
 * it at a time ({@link KvCachePool}).
 */
public final class KvCache implements AutoCloseable {

    private final int capacity;
    private final HeadLayout layout;
    private final List<OnnxTensor> keys;
    private final List<OnnxTensor> values;
    /** The tensors' buffers, for copying positions in and out (ONNX Runtime writes into them in place). */
    private final List<ByteBuffer> keyBuffers;
    private final List<ByteBuffer> valueBuffers;
    /** The token id at each written position. */
    private final int[] tokens;
    private int length;
    private boolean closed;
    private StepTensors step;

    KvCache(OrtEnvironment env, int layers, int kvHeads, int headDim, int capacity, String dtype) {
        this.capacity = capacity;
        OnnxJavaType type = javaType(dtype);
        this.layout = new HeadLayout(kvHeads, capacity, headDim, elementBytes(type));
        long bytes = layout.bytes();
        if (bytes > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("A KV cache layer of " + bytes + " bytes is too large for one buffer;"
                    + " lower maxContextLength");
        }
        long[] shape = {1, kvHeads, capacity, headDim};
        List<OnnxTensor> k = new ArrayList<>(layers);
        List<OnnxTensor> v = new ArrayList<>(layers);
        List<ByteBuffer> kb = new ArrayList<>(layers);
        List<ByteBuffer> vb = new ArrayList<>(layers);
        try {
            for (int layer = 0; layer < layers; layer++) {
                kb.add(buffer((int) bytes));
                k.add(OnnxTensor.createTensor(env, kb.get(layer), shape, type));
                vb.add(buffer((int) bytes));
                v.add(OnnxTensor.createTensor(env, vb.get(layer), shape, type));
            }
        } catch (OrtException e) {
            closeAll(k, v);
            throw new EngineException("Could not create the KV cache tensors: " + e.getMessage(), e);
        } catch (RuntimeException | Error e) {
            closeAll(k, v); // e.g. OutOfMemoryError: Direct buffer memory for a later layer
            throw e;
        }
        this.keys = Collections.unmodifiableList(k);
        this.values = Collections.unmodifiableList(v);
        this.keyBuffers = List.copyOf(kb);
        this.valueBuffers = List.copyOf(vb);
        this.tokens = new int[capacity];
    }

    /** The element type of a manifest's {@code kvCache.dtype}. */
    static OnnxJavaType javaType(String dtype) {
        return switch (dtype) {
            case "float32" -> OnnxJavaType.FLOAT;
            case "float16" -> OnnxJavaType.FLOAT16;
            default -> throw new IllegalArgumentException("Unsupported KV cache dtype '" + dtype
                    + "' (supported: float32, float16)");
        };
    }

    static int elementBytes(OnnxJavaType type) {
        return type == OnnxJavaType.FLOAT ? 4 : 2;
    }

    private static void closeAll(List<OnnxTensor> k, List<OnnxTensor> v) {
        k.forEach(OnnxTensor::close);
        v.forEach(OnnxTensor::close);
    }

    private static ByteBuffer buffer(int bytes) {
        return ByteBuffer.allocateDirect(bytes).order(ByteOrder.nativeOrder());
    }

    /** Positions this cache can hold (the tensors' sequence dimension). */
    public int capacity() {
        return capacity;
    }

    /** Positions already written (the {@code P} of the next run). */
    public int length() {
        return length;
    }

    OnnxTensor key(int layer) {
        return keys.get(layer);
    }

    OnnxTensor value(int layer) {
        return values.get(layer);
    }

    /** Records that the last run wrote {@code ids} at the positions after {@link #length()}. */
    void advance(int[] ids) {
        System.arraycopy(ids, 0, tokens, length, ids.length);
        length += ids.length;
    }

    /** The token ids at the written positions. */
    int[] tokens() {
        return Arrays.copyOf(tokens, length);
    }

    int layers() {
        return keys.size();
    }

    /** Bytes one position takes in one layer's key (or value) tensor, all heads together. */
    int positionBytes() {
        return layout.positionBytes();
    }

    /**
     * Copies positions {@code [0, positions)} of one layer's key or value tensor into {@code target}, head after
     * head ({@code [kvHeads, positions, headDim]}, the tensor's layout without the unused tail of each head).
     */
    void copyOut(int layer, boolean key, int positions, byte[] target) {
        layout.pack(buffer(layer, key), positions, target);
    }

    /**
     * The reverse of {@link #copyOut}: writes the first {@code positions} of each head of {@code source} (laid out
     * for {@code sourcePositions} positions) into this cache.
     */
    void copyIn(int layer, boolean key, byte[] source, int sourcePositions, int positions) {
        layout.unpack(source, sourcePositions, buffer(layer, key), positions);
    }

    /** One layer's key or value buffer (laid out as {@link HeadLayout}), for copying into a batch row. */
    ByteBuffer buffer(int layer, boolean key) {
        return (key ? keyBuffers : valueBuffers).get(layer);
    }

    /** Marks the first {@code ids.length} positions, just written by {@link #copyIn}, as holding {@code ids}. */
    void restored(int[] ids) {
        if (length != 0) {
            throw new IllegalStateException("A prefix can only be restored into an empty cache");
        }
        advance(ids);
    }

    /** Forgets all positions; the buffers are reused (stale entries are masked by the attention mask length). */
    public void reset() {
        length = 0;
    }

    boolean isClosed() {
        return closed;
    }

    /**
     * The per-run tensors of the session that holds this cache, made on first use and pooled with the cache (they
     * span the same context, and a cache serves one session at a time), so a new request allocates no direct
     * buffers.
     */
    StepTensors stepTensors(OrtEnvironment env, int vocab) throws OrtException {
        if (closed) {
            throw new IllegalStateException("This KV cache is closed");
        }
        if (step == null) {
            step = new StepTensors(env, capacity, vocab);
        }
        return step;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            keys.forEach(OnnxTensor::close);
            values.forEach(OnnxTensor::close);
            if (step != null) {
                step.close();
            }
        }
    }
}
