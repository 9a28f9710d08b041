package dev.titans4j.export.safetensors;

import java.util.Arrays;
import java.util.Objects;

/**
 * A tensor to write: float32 values in row-major order, the shape, and the dtype to store them as
 * (F16/BF16 round to nearest even when written).
 */
public record TensorData(DType dtype, long[] shape, float[] values) {

    public TensorData {
        Objects.requireNonNull(dtype, "dtype");
        shape = shape.clone();
        Objects.requireNonNull(values, "values");
        long count = 1;
        for (long d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
            }
            count = Math.multiplyExact(count, d);
        }
        if (count != values.length) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " has " + count
                    + " elements but " + values.length + " values were given");
        }
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    /** Bytes this tensor occupies in the file. */
    public long byteSize() {
        return (long) values.length * dtype.byteSize();
    }
}
