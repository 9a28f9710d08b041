package dev.titans4j.export.onnx;

/** A node attribute: an int, a float, a string or a list of ints. */
public record Attribute(String name, Object value) {

    public static Attribute of(String name, long value) {
        return new Attribute(name, value);
    }

    public static Attribute of(String name, float value) {
        return new Attribute(name, value);
    }

    public static Attribute of(String name, String value) {
        return new Attribute(name, value);
    }

    public static Attribute ints(String name, long... values) {
        return new Attribute(name, values.clone());
    }

    ProtoBuffer encode() {
        ProtoBuffer p = new ProtoBuffer().string(OnnxProto.ATTR_NAME, name);
        if (value instanceof Long l) {
            p.varint(OnnxProto.ATTR_I, l).varint(OnnxProto.ATTR_TYPE, OnnxProto.ATTR_TYPE_INT);
        } else if (value instanceof Float f) {
            p.float32(OnnxProto.ATTR_F, f).varint(OnnxProto.ATTR_TYPE, OnnxProto.ATTR_TYPE_FLOAT);
        } else if (value instanceof String s) {
            p.string(OnnxProto.ATTR_S, s).varint(OnnxProto.ATTR_TYPE, OnnxProto.ATTR_TYPE_STRING);
        } else if (value instanceof long[] arr) {
            for (long v : arr) {
                p.varint(OnnxProto.ATTR_INTS, v);
            }
            p.varint(OnnxProto.ATTR_TYPE, OnnxProto.ATTR_TYPE_INTS);
        } else {
            throw new IllegalStateException("unsupported attribute value " + value);
        }
        return p;
    }
}
