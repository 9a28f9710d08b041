package dev.titans4j.export.onnx;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Minimal protocol-buffers wire-format encoder: just what ONNX's ModelProto needs (varints, 32-bit floats,
 * length-delimited strings, bytes and nested messages). Field numbers live in {@link OnnxProto}.
 */
final class ProtoBuffer {

    private static final int VARINT = 0;
    private static final int FIXED32 = 5;
    private static final int LENGTH_DELIMITED = 2;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    ProtoBuffer varint(int field, long value) {
        tag(field, VARINT);
        writeVarint(out, value);
        return this;
    }

    ProtoBuffer float32(int field, float value) {
        tag(field, FIXED32);
        int bits = Float.floatToIntBits(value);
        for (int i = 0; i < 4; i++) {
            out.write(bits >>> (8 * i));
        }
        return this;
    }

    ProtoBuffer string(int field, String value) {
        return bytes(field, value.getBytes(StandardCharsets.UTF_8));
    }

    ProtoBuffer bytes(int field, byte[] value) {
        lengthPrefix(field, value.length);
        out.writeBytes(value);
        return this;
    }

    ProtoBuffer message(int field, ProtoBuffer message) {
        return bytes(field, message.toByteArray());
    }

    /** Tag and length of a length-delimited field whose payload the caller writes itself. */
    ProtoBuffer lengthPrefix(int field, long length) {
        tag(field, LENGTH_DELIMITED);
        writeVarint(out, length);
        return this;
    }

    int size() {
        return out.size();
    }

    byte[] toByteArray() {
        return out.toByteArray();
    }

    void writeTo(OutputStream target) throws IOException {
        out.writeTo(target);
    }

    private void tag(int field, int wireType) {
        writeVarint(out, ((long) field << 3) | wireType);
    }

    static int varintSize(long value) {
        int size = 1;
        while ((value & ~0x7FL) != 0) {
            value >>>= 7;
            size++;
        }
        return size;
    }

    /** Size of a length-delimited field's tag and length prefix (field numbers below 16 take one tag byte). */
    static int lengthPrefixSize(int field, long length) {
        return varintSize((long) field << 3) + varintSize(length);
    }

    private static void writeVarint(ByteArrayOutputStream out, long value) {
        while ((value & ~0x7FL) != 0) {
            out.write((int) ((value & 0x7F) | 0x80));
            value >>>= 7;
        }
        out.write((int) value);
    }
}
