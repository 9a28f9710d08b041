package dev.titans4j.t2.engine;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;

/**
 * The per-step tensors of a {@link DecodeBatch} of up to {@code rows} rows, over direct buffers allocated once: the
 * ids {@code [B, 1]}, the attention mask {@code [B, T]} (row b: ones over its own length plus the new token, zeros to
 * the right up to the longest row's, which the graph turns into per-row lengths), {@code logits_from} (always 0) and
 * the pinned logits output {@code [B, 1, vocab]}. Not thread-safe: its batch's lock guards it.
 */
final class BatchTensors implements AutoCloseable {

    private final OrtEnvironment env;
    private final int vocab;
    private final LongBuffer ids;
    private final LongBuffer mask;
    private final FloatBuffer logits;
    private final OnnxTensor logitsFrom;
    /** Per batch size B at index B - 1, made on first use. */
    private final OnnxTensor[] idViews;
    private final OnnxTensor[] logitViews;

    BatchTensors(OrtEnvironment env, int rows, int capacity, int vocab) throws OrtException {
        this.env = env;
        this.vocab = vocab;
        this.ids = longs(rows);
        this.mask = longs(Math.multiplyExact(rows, capacity));
        this.logits = ByteBuffer.allocateDirect(Float.BYTES * rows * vocab).order(ByteOrder.nativeOrder())
                .asFloatBuffer();
        this.logitsFrom = OnnxTensor.createTensor(env, longs(1), new long[] {1}); // zero: the only position
        this.idViews = new OnnxTensor[rows];
        this.logitViews = new OnnxTensor[rows];
    }

    private static LongBuffer longs(int size) {
        return ByteBuffer.allocateDirect(Long.BYTES * size).order(ByteOrder.nativeOrder()).asLongBuffer();
    }

    OnnxTensor logitsFrom() {
        return logitsFrom;
    }

    /** The ids tensor {@code [tokens.length, 1]} holding {@code tokens}. */
    OnnxTensor ids(int[] tokens, int batch) throws OrtException {
        for (int b = 0; b < batch; b++) {
            ids.put(b, tokens[b]);
        }
        if (idViews[batch - 1] == null) {
            idViews[batch - 1] = OnnxTensor.createTensor(env, ids.slice(0, batch), new long[] {batch, 1});
        }
        return idViews[batch - 1];
    }

    /**
     * A new mask {@code [B, max(lengths) + 1]} for rows holding {@code lengths[b]} positions each before this step;
     * the caller closes it (it views the shared buffer).
     */
    OnnxTensor mask(int[] lengths, int batch) throws OrtException {
        int width = 0;
        for (int b = 0; b < batch; b++) {
            width = Math.max(width, lengths[b] + 1);
        }
        for (int b = 0; b < batch; b++) {
            int ones = lengths[b] + 1;
            int base = b * width;
            for (int i = 0; i < width; i++) {
                mask.put(base + i, i < ones ? 1L : 0L);
            }
        }
        return OnnxTensor.createTensor(env, mask.slice(0, batch * width), new long[] {batch, width});
    }

    /** The pinned logits output {@code [B, 1, vocab]}. */
    OnnxTensor logits(int batch) throws OrtException {
        if (logitViews[batch - 1] == null) {
            logitViews[batch - 1] = OnnxTensor.createTensor(env, logits.slice(0, batch * vocab),
                    new long[] {batch, 1, vocab});
        }
        return logitViews[batch - 1];
    }

    /** A copy of row {@code b} of what the last step wrote into {@link #logits}. */
    float[] logitsRow(int b) {
        float[] row = new float[vocab];
        logits.get(b * vocab, row);
        return row;
    }

    @Override
    public void close() {
        logitsFrom.close();
        for (OnnxTensor[] views : new OnnxTensor[][] {idViews, logitViews}) {
            for (OnnxTensor t : views) {
                if (t != null) {
                    t.close();
                }
            }
        }
    }
}
