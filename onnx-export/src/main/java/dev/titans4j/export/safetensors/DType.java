package dev.titans4j.export.safetensors;

import java.util.Arrays;
import java.util.Optional;

/** The floating-point element types this project reads and writes in safetensors files. */
public enum DType {
    F32(4),
    F16(2),
    BF16(2);

    private final int byteSize;

    DType(int byteSize) {
        this.byteSize = byteSize;
    }

    /** Bytes per element. */
    public int byteSize() {
        return byteSize;
    }

    /** The dtype spelled as in a safetensors header ({@code "F32"}), or empty for one we do not support. */
    public static Optional<DType> fromHeader(String name) {
        return Arrays.stream(values()).filter(d -> d.name().equals(name)).findFirst();
    }
}
