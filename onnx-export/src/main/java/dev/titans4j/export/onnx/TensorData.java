package dev.titans4j.export.onnx;

import dev.titans4j.export.safetensors.HalfFloats;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.function.Supplier;

/**
 * The bytes of one initializer (little-endian, ONNX raw_data layout). The length is known up front so the
 * model writer can emit protobuf length prefixes before the data exists; {@link #lazy} defers computing the
 * values (SVD, quantisation) until the writer streams that tensor.
 */
public interface TensorData {

    long byteLength();

    void writeTo(OutputStream out) throws IOException;

    static TensorData ofFloats(float[] values) {
        return encoded(values, Float.BYTES, (buf, v) -> buf.putFloat(v));
    }

    /** float32 values stored as IEEE half precision. */
    static TensorData ofFloat16(float[] values) {
        return encoded(values, Short.BYTES, (buf, v) -> buf.putShort(HalfFloats.floatToHalf(v)));
    }

    /** Streams {@code values} through a 64 KiB buffer, each encoded by {@code put} into {@code width} bytes. */
    private static TensorData encoded(float[] values, int width, FloatEncoder put) {
        return new TensorData() {
            @Override
            public long byteLength() {
                return (long) width * values.length;
            }

            @Override
            public void writeTo(OutputStream out) throws IOException {
                ByteBuffer buf = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
                for (float v : values) {
                    if (!buf.hasRemaining()) {
                        out.write(buf.array(), 0, buf.position());
                        buf.clear();
                    }
                    put.put(buf, v);
                }
                out.write(buf.array(), 0, buf.position());
            }
        };
    }

    /** Writes one float in a tensor's element encoding. */
    interface FloatEncoder {
        void put(ByteBuffer buf, float value);
    }

    static TensorData ofBytes(byte[] values) {
        return new TensorData() {
            @Override
            public long byteLength() {
                return values.length;
            }

            @Override
            public void writeTo(OutputStream out) throws IOException {
                out.write(values);
            }
        };
    }

    static TensorData ofLongs(long... values) {
        ByteBuffer buf = ByteBuffer.allocate(8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (long v : values) {
            buf.putLong(v);
        }
        return ofBytes(buf.array());
    }

    static TensorData ofInts(int... values) {
        ByteBuffer buf = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (int v : values) {
            buf.putInt(v);
        }
        return ofBytes(buf.array());
    }

    /** Data computed only when written; {@code byteLength} must equal what the supplier will produce. */
    static TensorData lazy(long byteLength, Supplier<TensorData> supplier) {
        return new TensorData() {
            @Override
            public long byteLength() {
                return byteLength;
            }

            @Override
            public void writeTo(OutputStream out) throws IOException {
                TensorData data = supplier.get();
                if (data.byteLength() != byteLength) {
                    throw new IllegalStateException("tensor data is " + data.byteLength() + " bytes, declared "
                            + byteLength);
                }
                data.writeTo(out);
            }
        };
    }
}
