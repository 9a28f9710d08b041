package dev.titans4j.export.safetensors;

import java.util.Arrays;
import java.util.Objects;

/**
 * One tensor entry of a safetensors header. {@code dataStart} and {@code dataEnd} are the header's
 * {@code data_offsets}: byte offsets relative to the start of the data region (just after the header), end exclusive.
 */
public record TensorInfo(String name, DType dtype, long[] shape, long dataStart, long dataEnd) {

    public TensorInfo {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(dtype, "dtype");
        shape = shape.clone();
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    /** Number of dimensions. */
    public int rank() {
        return shape.length;
    }

    /** Size of dimension {@code i}. */
    public long dim(int i) {
        return shape[i];
    }

    /** Product of the shape (1 for a scalar). Validated headers guarantee it does not overflow. */
    public long elementCount() {
        long count = 1;
        for (long d : shape) {
            count = Math.multiplyExact(count, d);
        }
        return count;
    }

    /** Bytes of data: {@code dataEnd - dataStart}. */
    public long byteSize() {
        return dataEnd - dataStart;
    }

    /** Whether the shape equals {@code expected}. */
    public boolean hasShape(long... expected) {
        return Arrays.equals(shape, expected);
    }

    /** Shape as {@code [64, 172]}, the form used in every error message. */
    public static String formatShape(long[] shape) {
        return Arrays.toString(shape);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TensorInfo t && name.equals(t.name) && dtype == t.dtype
                && Arrays.equals(shape, t.shape) && dataStart == t.dataStart && dataEnd == t.dataEnd;
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, dtype, Arrays.hashCode(shape), dataStart, dataEnd);
    }

    @Override
    public String toString() {
        return name + " " + dtype + " " + formatShape(shape) + " @[" + dataStart + ", " + dataEnd + ")";
    }
}
