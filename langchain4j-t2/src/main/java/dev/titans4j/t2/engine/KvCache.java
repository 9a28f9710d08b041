package dev.titans4j.t2.engine;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * One request's key/value cache: per layer a key and a value tensor of shape {@code [1, kvHeads, capacity, headDim]}
 * over direct buffers allocated once. Each tensor is passed to ONNX Runtime both as the {@code past_key_values}
 * input and as the pinned {@code present} output, so the graph writes new positions in place and nothing is
 * reallocated per token. Not thread-safe: one request uses it at a time ({@link KvCachePool}).
 */
public final class KvCache implements AutoCloseable {

    private final int capacity;
    private final List<OnnxTensor> keys;
    private final List<OnnxTensor> values;
    private int length;
    private boolean closed;
    private StepTensors step;

    KvCache(OrtEnvironment env, int layers, int kvHeads, int headDim, int capacity, String dtype) {
        this.capacity = capacity;
        OnnxJavaType type = switch (dtype) {
            case "float32" -> OnnxJavaType.FLOAT;
            case "float16" -> OnnxJavaType.FLOAT16;
            default -> throw new IllegalArgumentException("Unsupported KV cache dtype '" + dtype
                    + "' (supported: float32, float16)");
        };
        int elementBytes = type == OnnxJavaType.FLOAT ? 4 : 2;
        long bytes = (long) kvHeads * capacity * headDim * elementBytes;
        if (bytes > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("A KV cache layer of " + bytes + " bytes is too large for one buffer;"
                    + " lower maxContextLength");
        }
        long[] shape = {1, kvHeads, capacity, headDim};
        List<OnnxTensor> k = new ArrayList<>(layers);
        List<OnnxTensor> v = new ArrayList<>(layers);
        try {
            for (int layer = 0; layer < layers; layer++) {
                k.add(tensor(env, (int) bytes, shape, type));
                v.add(tensor(env, (int) bytes, shape, type));
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
    }

    private static void closeAll(List<OnnxTensor> k, List<OnnxTensor> v) {
        k.forEach(OnnxTensor::close);
        v.forEach(OnnxTensor::close);
    }

    private static OnnxTensor tensor(OrtEnvironment env, int bytes, long[] shape, OnnxJavaType type)
            throws OrtException {
        ByteBuffer buffer = ByteBuffer.allocateDirect(bytes).order(ByteOrder.nativeOrder());
        return OnnxTensor.createTensor(env, buffer, shape, type);
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

    void advance(int tokens) {
        length += tokens;
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
