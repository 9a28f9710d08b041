package dev.titans4j.t2.engine;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The KV memory of one {@link DecodeBatch}: per layer a key and a value buffer of {@code rows} rows, each row laid out
 * like one request's {@link KvCache} ({@code [kvHeads, capacity, headDim]}), so the first B rows viewed as
 * {@code [B, kvHeads, capacity, headDim]} are the batch's past input and pinned present output (the graph writes
 * each row's new position in place). A request's positions are copied into a row once when it joins, and rows move
 * only when a request leaves (the last row fills the hole); a step copies nothing. Not thread-safe: its batch's lock
 * guards it.
 */
final class KvSlotPool implements AutoCloseable {

    private final OrtEnvironment env;
    private final OnnxJavaType type;
    private final int rows;
    private final int kvHeads;
    private final int capacity;
    private final int headDim;
    private final HeadLayout layout;
    private final int rowBytes;
    private final ByteBuffer[] keys;
    private final ByteBuffer[] values;
    /** Per layer, the tensors over the first B rows at index B - 1, made on first use. */
    private final OnnxTensor[][] keyViews;
    private final OnnxTensor[][] valueViews;
    private boolean closed;

    KvSlotPool(OrtEnvironment env, int rows, int layers, int kvHeads, int headDim, int capacity, String dtype) {
        this.env = env;
        this.type = KvCache.javaType(dtype);
        this.rows = rows;
        this.kvHeads = kvHeads;
        this.capacity = capacity;
        this.headDim = headDim;
        this.layout = new HeadLayout(kvHeads, capacity, headDim, KvCache.elementBytes(type));
        long bytes = rows * layout.bytes();
        if (bytes > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("A batch of " + rows + " KV rows needs " + bytes + " bytes per layer,"
                    + " over one buffer's 2 GB; lower maxBatchSize or maxContextLength");
        }
        this.rowBytes = (int) layout.bytes();
        this.keys = new ByteBuffer[layers];
        this.values = new ByteBuffer[layers];
        for (int layer = 0; layer < layers; layer++) {
            keys[layer] = ByteBuffer.allocateDirect((int) bytes).order(ByteOrder.nativeOrder());
            values[layer] = ByteBuffer.allocateDirect((int) bytes).order(ByteOrder.nativeOrder());
        }
        this.keyViews = new OnnxTensor[layers][rows];
        this.valueViews = new OnnxTensor[layers][rows];
    }

    int rows() {
        return rows;
    }

    /** Layer {@code layer}'s keys of the first {@code batch} rows, {@code [batch, kvHeads, capacity, headDim]}. */
    OnnxTensor keys(int layer, int batch) throws OrtException {
        return view(keyViews, keys, layer, batch);
    }

    OnnxTensor values(int layer, int batch) throws OrtException {
        return view(valueViews, values, layer, batch);
    }

    private OnnxTensor view(OnnxTensor[][] views, ByteBuffer[] buffers, int layer, int batch) throws OrtException {
        if (closed) {
            throw new IllegalStateException("This KV slot pool is closed");
        }
        OnnxTensor t = views[layer][batch - 1];
        if (t == null) {
            ByteBuffer first = buffers[layer].slice(0, batch * rowBytes).order(ByteOrder.nativeOrder());
            t = OnnxTensor.createTensor(env, first, new long[] {batch, kvHeads, capacity, headDim}, type);
            views[layer][batch - 1] = t;
        }
        return t;
    }

    /** Writes the first {@code positions} positions of {@code source} (an equally shaped cache) into {@code row}. */
    void copyIn(KvCache source, int positions, int row) {
        for (int layer = 0; layer < keys.length; layer++) {
            layout.copy(source.buffer(layer, true), 0, keys[layer], row * rowBytes, positions);
            layout.copy(source.buffer(layer, false), 0, values[layer], row * rowBytes, positions);
        }
    }

    /** Writes the first {@code positions} positions of {@code row} into {@code target}. */
    void copyOut(int row, int positions, KvCache target) {
        for (int layer = 0; layer < keys.length; layer++) {
            layout.copy(keys[layer], row * rowBytes, target.buffer(layer, true), 0, positions);
            layout.copy(values[layer], row * rowBytes, target.buffer(layer, false), 0, positions);
        }
    }

    /** Copies the first {@code positions} positions of row {@code from} into row {@code to} of {@code target}. */
    void copyRow(int from, int positions, KvSlotPool target, int to) {
        for (int layer = 0; layer < keys.length; layer++) {
            layout.copy(keys[layer], from * rowBytes, target.keys[layer], to * target.rowBytes, positions);
            layout.copy(values[layer], from * rowBytes, target.values[layer], to * target.rowBytes, positions);
        }
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            for (OnnxTensor[][] views : new OnnxTensor[][][] {keyViews, valueViews}) {
                for (OnnxTensor[] layer : views) {
                    for (OnnxTensor t : layer) {
                        if (t != null) {
                            t.close();
                        }
                    }
                }
            }
        }
    }
}
