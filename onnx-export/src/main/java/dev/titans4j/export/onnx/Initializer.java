package dev.titans4j.export.onnx;

import java.util.Arrays;

/** A constant tensor of the graph (weights, caches, small shape constants). */
public record Initializer(String name, ElemType type, long[] dims, TensorData data) {

    public Initializer {
        long elements = Arrays.stream(dims).reduce(1, Math::multiplyExact);
        long expected = type == ElemType.UINT8 ? elements : elements * type.bytes();
        if (data.byteLength() != expected) {
            throw new IllegalArgumentException("initializer " + name + ": " + data.byteLength() + " bytes for shape "
                    + Arrays.toString(dims) + " of " + type + " (expected " + expected + ")");
        }
    }

    public long byteLength() {
        return data.byteLength();
    }
}
