package dev.titans4j.bench.decode;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a GGUF v3 file (ggml's gguf.cpp layout, little-endian): magic, version, tensor and key-value counts, the
 * metadata key-values, the tensor infos (name, dimensions innermost first, ggml type, offset into the data), then
 * the tensor data, each tensor aligned to {@value #ALIGNMENT} bytes. Tensor values are produced one at a time when
 * the data is written, so a model larger than the heap can be written.
 */
final class GgufWriter {

    static final int ALIGNMENT = 32;
    private static final int MAGIC = 0x46554747; // "GGUF" read as a little-endian uint32
    private static final int VERSION = 3;

    // gguf_type values
    private static final int UINT32 = 4;
    private static final int INT32 = 5;
    private static final int FLOAT32 = 6;
    private static final int BOOL = 7;
    private static final int STRING = 8;
    private static final int ARRAY = 9;

    /** Values of one tensor, row-major (the last HF dimension innermost), computed when written. */
    interface Values {
        float[] get() throws IOException;
    }

    private record Tensor(String name, long[] dims, GgmlType type, Values values) {
        long bytes() {
            long n = 1;
            for (long d : dims) {
                n *= d;
            }
            return type.bytes(n);
        }
    }

    private final Map<String, byte[]> metadata = new LinkedHashMap<>(); // key -> type and value, encoded
    private final List<Tensor> tensors = new ArrayList<>();

    GgufWriter string(String key, String value) {
        return put(key, STRING, stringBytes(value));
    }

    GgufWriter uint32(String key, long value) {
        return put(key, UINT32, le(4).putInt((int) value).array());
    }

    GgufWriter float32(String key, double value) {
        return put(key, FLOAT32, le(4).putFloat((float) value).array());
    }

    GgufWriter bool(String key, boolean value) {
        return put(key, BOOL, new byte[] {(byte) (value ? 1 : 0)});
    }

    GgufWriter strings(String key, List<String> values) {
        ByteBuffer head = le(12).putInt(STRING).putLong(values.size());
        int size = 0;
        List<byte[]> encoded = new ArrayList<>(values.size());
        for (String v : values) {
            byte[] b = stringBytes(v);
            encoded.add(b);
            size += b.length;
        }
        ByteBuffer all = le(12 + size).put(head.array());
        encoded.forEach(all::put);
        return put(key, ARRAY, all.array());
    }

    GgufWriter floats(String key, float[] values) {
        ByteBuffer b = le(12 + 4L * values.length).putInt(FLOAT32).putLong(values.length);
        for (float v : values) {
            b.putFloat(v);
        }
        return put(key, ARRAY, b.array());
    }

    GgufWriter int32s(String key, int[] values) {
        ByteBuffer b = le(12 + 4L * values.length).putInt(INT32).putLong(values.length);
        for (int v : values) {
            b.putInt(v);
        }
        return put(key, ARRAY, b.array());
    }

    /**
     * A tensor of HF shape [rows, cols] (or [n]); GGUF stores its dimensions innermost first: [cols, rows].
     */
    GgufWriter tensor(String name, GgmlType type, long[] hfShape, Values values) {
        long[] dims = new long[hfShape.length];
        for (int i = 0; i < dims.length; i++) {
            dims[i] = hfShape[hfShape.length - 1 - i];
        }
        if (dims[0] % type.blockSize != 0) {
            throw new IllegalArgumentException(name + ": rows of " + dims[0] + " values are not whole " + type
                    + " blocks of " + type.blockSize);
        }
        tensors.add(new Tensor(name, dims, type, values));
        return this;
    }

    /** Bytes of the tensor data of the tensors named so far (what llama.cpp maps). */
    long tensorBytes(String name) {
        return tensors.stream().filter(t -> t.name.equals(name)).mapToLong(Tensor::bytes).sum();
    }

    /** Writes the file (through a temporary sibling, so an interrupted write never leaves a valid-looking file). */
    void write(Path file) throws IOException {
        Path partial = file.resolveSibling(file.getFileName() + ".partial");
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(partial), 1 << 20)) {
            out.write(le(24).putInt(MAGIC).putInt(VERSION).putLong(tensors.size()).putLong(metadata.size()).array());
            long position = 24;
            for (Map.Entry<String, byte[]> kv : metadata.entrySet()) {
                byte[] key = stringBytes(kv.getKey());
                out.write(key);
                out.write(kv.getValue());
                position += key.length + kv.getValue().length;
            }
            long offset = 0;
            for (Tensor t : tensors) {
                byte[] name = stringBytes(t.name);
                ByteBuffer info = le(4 + 8L * t.dims.length + 4 + 8).putInt(t.dims.length);
                for (long d : t.dims) {
                    info.putLong(d);
                }
                info.putInt(t.type.id).putLong(offset);
                out.write(name);
                out.write(info.array());
                position += name.length + info.capacity();
                offset = align(offset + t.bytes());
            }
            position = pad(out, position);
            for (Tensor t : tensors) {
                byte[] data = t.type.encode(t.values.get());
                if (data.length != t.bytes()) {
                    throw new IllegalStateException(t.name + ": " + data.length + " bytes, expected " + t.bytes());
                }
                out.write(data);
                position = pad(out, position + data.length);
            }
        }
        Files.move(partial, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    private GgufWriter put(String key, int type, byte[] value) {
        metadata.put(key, le(4 + value.length).putInt(type).put(value).array());
        return this;
    }

    private static long pad(OutputStream out, long position) throws IOException {
        long aligned = align(position);
        out.write(new byte[(int) (aligned - position)]);
        return aligned;
    }

    private static long align(long n) {
        return (n + ALIGNMENT - 1) / ALIGNMENT * ALIGNMENT;
    }

    private static byte[] stringBytes(String s) {
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        return le(8 + utf8.length).putLong(utf8.length).put(utf8).array();
    }

    private static ByteBuffer le(long size) {
        return ByteBuffer.allocate(Math.toIntExact(size)).order(ByteOrder.LITTLE_ENDIAN);
    }
}
