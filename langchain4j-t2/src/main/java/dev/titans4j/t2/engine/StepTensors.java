package dev.titans4j.t2.engine;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;

/**
 * The per-run tensors of a {@link DecoderSession}, over direct buffers allocated once so a decode step copies
 * nothing it does not have to: ONNX Runtime uses a direct buffer in place instead of copying it into a new one.
 * <ul>
 *   <li>the attention mask is a view of the first P+S entries of a buffer of ones as long as the cache;</li>
 *   <li>a single-token step writes its id into the one-element id tensor;</li>
 *   <li>{@code logits_from} is a one-element tensor rewritten per run;</li>
 *   <li>a run that wants one logits row gets it written straight into {@link #logitsRow()}, a pinned output.</li>
 * </ul>
 * Owned by a {@link KvCache} and reused by each session that holds it; not thread-safe, like its session.
 * {@link #close()} (called when the cache closes) frees the tensors.
 */
final class StepTensors implements AutoCloseable {

    private final OrtEnvironment env;
    private final LongBuffer ones;
    private final LongBuffer oneId;
    private final LongBuffer from;
    private final FloatBuffer logits;
    private final OnnxTensor oneIdTensor;
    private final OnnxTensor fromTensor;
    private final OnnxTensor logitsTensor;

    StepTensors(OrtEnvironment env, int capacity, int vocab) throws OrtException {
        this.env = env;
        this.ones = longs(capacity);
        for (int i = 0; i < capacity; i++) {
            ones.put(i, 1L);
        }
        this.oneId = longs(1);
        this.from = longs(1);
        this.logits = ByteBuffer.allocateDirect(Float.BYTES * vocab).order(ByteOrder.nativeOrder()).asFloatBuffer();
        OnnxTensor id = null;
        OnnxTensor f = null;
        try {
            id = OnnxTensor.createTensor(env, oneId, new long[] {1, 1});
            f = OnnxTensor.createTensor(env, from, new long[] {1});
            this.logitsTensor = OnnxTensor.createTensor(env, logits, new long[] {1, 1, vocab});
        } catch (OrtException | RuntimeException e) {
            closeAll(id, f);
            throw e;
        }
        this.oneIdTensor = id;
        this.fromTensor = f;
    }

    private static LongBuffer longs(int size) {
        return ByteBuffer.allocateDirect(Long.BYTES * size).order(ByteOrder.nativeOrder()).asLongBuffer();
    }

    /** The persistent {@code logits_from} tensor [1]; {@link #setLogitsFrom} sets its value. */
    OnnxTensor logitsFrom() {
        return fromTensor;
    }

    void setLogitsFrom(int value) {
        from.put(0, value);
    }

    /** Whether {@link #ids} returns the persistent tensor (nothing to close) for a chunk of this length. */
    static boolean persistentIds(int length) {
        return length == 1;
    }

    /** Input ids [1, S]: the persistent one-element tensor for S = 1, else a new tensor the caller must close. */
    OnnxTensor ids(int[] tokenIds) throws OrtException {
        if (persistentIds(tokenIds.length)) {
            oneId.put(0, tokenIds[0]);
            return oneIdTensor;
        }
        long[] values = new long[tokenIds.length];
        for (int i = 0; i < values.length; i++) {
            values[i] = tokenIds[i];
        }
        return OnnxTensor.createTensor(env, LongBuffer.wrap(values), new long[] {1, values.length});
    }

    /** A new all-ones mask [1, length] viewing the shared ones (no copy); the caller closes it. */
    OnnxTensor mask(int length) throws OrtException {
        return OnnxTensor.createTensor(env, ones.slice(0, length), new long[] {1, length});
    }

    /** The pinned [1, 1, vocab] logits output. */
    OnnxTensor logitsRow() {
        return logitsTensor;
    }

    /** A copy of what the last run wrote into {@link #logitsRow()}. */
    float[] readLogitsRow() {
        float[] row = new float[logits.capacity()];
        logits.get(0, row);
        return row;
    }

    @Override
    public void close() {
        closeAll(oneIdTensor, fromTensor, logitsTensor);
    }

    private static void closeAll(OnnxTensor... tensors) {
        for (OnnxTensor t : tensors) {
            if (t != null) {
                t.close();
            }
        }
    }
}
