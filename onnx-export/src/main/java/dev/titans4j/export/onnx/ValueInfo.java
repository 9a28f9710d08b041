package dev.titans4j.export.onnx;

import java.util.List;

/**
 * A graph input or output: name, element type and shape, each dimension either a fixed {@link Long} or a
 * symbolic {@link String} name.
 */
public record ValueInfo(String name, ElemType type, List<Object> dims) {

    public static ValueInfo of(String name, ElemType type, Object... dims) {
        for (Object d : dims) {
            if (!(d instanceof Long || d instanceof Integer || d instanceof String)) {
                throw new IllegalArgumentException("dimension must be a number or a name: " + d);
            }
        }
        return new ValueInfo(name, type, List.of(dims));
    }
}
