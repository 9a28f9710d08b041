package dev.titans4j.t2.engine;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxTensorLike;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import dev.titans4j.export.manifest.FolderNames;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Loads a model's external-data initializers into direct buffers we own, to hand to ONNX Runtime with
 * {@code SessionOptions.addExternalInitializers}: ONNX Runtime would otherwise memory-map the data file, and file
 * pages left idle are reclaimed by the OS and faulted back in from disk on the next token.
 *
 * <p>Reads just enough of the ONNX protobuf to list the initializers stored externally (name, shape, element type,
 * file, offset, length); everything else is skipped by wire type. The tensors must stay open as long as the session.
 */
final class ExternalInitializers implements AutoCloseable {

    private static final int MODEL_GRAPH = 7;
    private static final int GRAPH_INITIALIZER = 5;
    private static final int TENSOR_DIMS = 1;
    private static final int TENSOR_DATA_TYPE = 2;
    private static final int TENSOR_NAME = 8;
    private static final int TENSOR_EXTERNAL_DATA = 13;
    private static final int TENSOR_DATA_LOCATION = 14;
    private static final int DATA_LOCATION_EXTERNAL = 1;

    /** One externally stored initializer as the protobuf describes it. */
    record Entry(String name, long[] shape, int dataType, String location, long offset, long length) {
    }

    private final Map<String, OnnxTensor> tensors;

    private ExternalInitializers(Map<String, OnnxTensor> tensors) {
        this.tensors = tensors;
    }

    Map<String, OnnxTensorLike> tensors() {
        return new LinkedHashMap<>(tensors);
    }

    int size() {
        return tensors.size();
    }

    /**
     * Reads every external initializer of {@code modelBytes} (the contents of {@code modelFile}) from files in its
     * folder. A malformed list, or an entry outside its data file or the model folder, is an IllegalArgumentException
     * naming {@code modelFile}.
     */
    static ExternalInitializers load(OrtEnvironment env, ByteBuffer modelBytes, Path modelFile) throws IOException {
        Path folder = modelFile.toAbsolutePath().getParent();
        List<Entry> entries;
        try {
            entries = list(modelBytes);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(modelFile + ": " + e.getMessage(), e);
        }
        Map<String, OnnxTensor> tensors = new LinkedHashMap<>();
        Map<String, FileChannel> files = new LinkedHashMap<>();
        try {
            for (Entry e : entries) {
                FileChannel channel = files.get(e.location());
                if (channel == null) {
                    channel = FileChannel.open(folder.resolve(e.location()), StandardOpenOption.READ);
                    files.put(e.location(), channel);
                }
                tensors.put(e.name(), tensor(env, e, read(channel, e, modelFile), modelFile));
            }
            return new ExternalInitializers(tensors);
        } catch (IOException | RuntimeException e) {
            tensors.values().forEach(OnnxTensor::close);
            throw e;
        } finally {
            for (FileChannel channel : files.values()) {
                channel.close();
            }
        }
    }

    private static ByteBuffer read(FileChannel channel, Entry e, Path modelFile) throws IOException {
        if (e.length() > Integer.MAX_VALUE) {
            throw new IOException("initializer " + e.name() + " has " + e.length() + " bytes; over 2 GB per tensor");
        }
        if (e.length() > channel.size() - e.offset()) { // checked before the buffer is allocated
            throw new IllegalArgumentException(modelFile + ": initializer " + e.name() + " (offset " + e.offset()
                    + ", length " + e.length() + ") reaches beyond the end of " + e.location() + " ("
                    + channel.size() + " bytes)");
        }
        ByteBuffer buffer = ByteBuffer.allocateDirect((int) e.length()).order(ByteOrder.LITTLE_ENDIAN);
        long position = e.offset();
        while (buffer.hasRemaining()) {
            int n = channel.read(buffer, position);
            if (n < 0) {
                throw new IOException(e.location() + " ends before initializer " + e.name() + " (offset "
                        + e.offset() + ", length " + e.length() + ")");
            }
            position += n;
        }
        return buffer.flip();
    }

    private static OnnxTensor tensor(OrtEnvironment env, Entry e, ByteBuffer data, Path modelFile) {
        OnnxJavaType type = switch (e.dataType()) {
            case 1 -> OnnxJavaType.FLOAT;
            case 2 -> OnnxJavaType.UINT8;
            case 3 -> OnnxJavaType.INT8;
            case 5 -> OnnxJavaType.INT16;
            case 6 -> OnnxJavaType.INT32;
            case 7 -> OnnxJavaType.INT64;
            case 9 -> OnnxJavaType.BOOL;
            case 10 -> OnnxJavaType.FLOAT16;
            case 11 -> OnnxJavaType.DOUBLE;
            case 16 -> OnnxJavaType.BFLOAT16;
            default -> throw new IllegalArgumentException(modelFile + ": initializer " + e.name()
                    + ": ONNX element type " + e.dataType() + " is not supported for external data");
        };
        try {
            return OnnxTensor.createTensor(env, data, e.shape(), type);
        } catch (OrtException ex) {
            throw new EngineException("Could not wrap external initializer " + e.name() + ": " + ex.getMessage(), ex);
        }
    }

    /** The externally stored initializers declared in a serialized ModelProto. */
    static List<Entry> list(ByteBuffer model) {
        List<Entry> entries = new ArrayList<>();
        Reader reader = new Reader(model.duplicate().order(ByteOrder.LITTLE_ENDIAN));
        while (reader.hasMore()) {
            int tag = reader.varint32();
            if (tag >>> 3 == MODEL_GRAPH && (tag & 7) == 2) {
                Reader graph = reader.message();
                while (graph.hasMore()) {
                    int graphTag = graph.varint32();
                    if (graphTag >>> 3 == GRAPH_INITIALIZER && (graphTag & 7) == 2) {
                        Entry entry = tensor(graph.message());
                        if (entry != null) {
                            entries.add(entry);
                        }
                    } else {
                        graph.skip(graphTag);
                    }
                }
            } else {
                reader.skip(tag);
            }
        }
        return entries;
    }

    private static Entry tensor(Reader t) {
        List<Long> dims = new ArrayList<>();
        int dataType = 0;
        String name = null;
        String location = null;
        long offset = 0;
        long length = -1;
        boolean external = false;
        while (t.hasMore()) {
            int tag = t.varint32();
            int field = tag >>> 3;
            int wire = tag & 7;
            if (field == TENSOR_DIMS && wire == 0) {
                dims.add(t.varint64());
            } else if (field == TENSOR_DIMS && wire == 2) {
                Reader packed = t.message();
                while (packed.hasMore()) {
                    dims.add(packed.varint64());
                }
            } else if (field == TENSOR_DATA_TYPE && wire == 0) {
                dataType = t.varint32();
            } else if (field == TENSOR_NAME && wire == 2) {
                name = t.string();
            } else if (field == TENSOR_DATA_LOCATION && wire == 0) {
                external = t.varint32() == DATA_LOCATION_EXTERNAL;
            } else if (field == TENSOR_EXTERNAL_DATA && wire == 2) {
                Reader kv = t.message();
                String key = null;
                String value = null;
                while (kv.hasMore()) {
                    int kvTag = kv.varint32();
                    if (kvTag >>> 3 == 1 && (kvTag & 7) == 2) {
                        key = kv.string();
                    } else if (kvTag >>> 3 == 2 && (kvTag & 7) == 2) {
                        value = kv.string();
                    } else {
                        kv.skip(kvTag);
                    }
                }
                if ("location".equals(key)) {
                    location = value;
                } else if ("offset".equals(key)) {
                    offset = number(name, key, value);
                } else if ("length".equals(key)) {
                    length = number(name, key, value);
                }
            } else {
                t.skip(tag);
            }
        }
        if (!external) {
            return null;
        }
        if (name == null || location == null || length < 0) {
            throw new IllegalArgumentException("external initializer " + name + " lacks a name, location or length");
        }
        if (!FolderNames.staysInside(location)) { // relative to the model file's folder: nothing outside is read
            throw new IllegalArgumentException("external initializer " + name + ": location '" + location
                    + "' is not a file name in the model folder");
        }
        if (dims.stream().anyMatch(d -> d < 0)) {
            throw new IllegalArgumentException("external initializer " + name + " has a negative dimension " + dims);
        }
        return new Entry(name, dims.stream().mapToLong(Long::longValue).toArray(), dataType, location, offset, length);
    }

    /** A non-negative number of an external-data entry. */
    private static long number(String tensor, String key, String value) {
        try {
            long n = Long.parseLong(value);
            if (n >= 0) {
                return n;
            }
        } catch (NumberFormatException notANumber) {
            // reported below
        }
        throw new IllegalArgumentException("external initializer " + tensor + ": " + key + " '" + value
                + "' is not a non-negative whole number");
    }

    private static IllegalArgumentException malformed(String problem) {
        return new IllegalArgumentException("malformed protobuf (" + problem + "); the file is damaged or not ONNX");
    }

    /** Protobuf wire-format reader over a slice of a buffer; every read is checked against the bytes left. */
    private static final class Reader {
        private final ByteBuffer buffer;

        Reader(ByteBuffer buffer) {
            this.buffer = buffer;
        }

        boolean hasMore() {
            return buffer.hasRemaining();
        }

        long varint64() {
            long value = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                if (!buffer.hasRemaining()) {
                    throw malformed("it ends inside a number");
                }
                byte b = buffer.get();
                value |= (long) (b & 0x7f) << shift;
                if (b >= 0) {
                    return value;
                }
            }
            throw malformed("a number longer than ten bytes");
        }

        int varint32() {
            return (int) varint64();
        }

        Reader message() {
            int length = length();
            ByteBuffer slice = buffer.slice(buffer.position(), length).order(ByteOrder.LITTLE_ENDIAN);
            buffer.position(buffer.position() + length);
            return new Reader(slice);
        }

        String string() {
            int length = length();
            byte[] bytes = new byte[length];
            buffer.get(bytes);
            return new String(bytes, StandardCharsets.UTF_8);
        }

        /** A length prefix, which must fit in what is left of the enclosing message. */
        private int length() {
            long length = varint64();
            if (length < 0 || length > buffer.remaining()) {
                throw malformed("a field of " + length + " bytes where " + buffer.remaining() + " are left");
            }
            return (int) length;
        }

        private void advance(int bytes) {
            if (bytes > buffer.remaining()) {
                throw malformed("a field of " + bytes + " bytes where " + buffer.remaining() + " are left");
            }
            buffer.position(buffer.position() + bytes);
        }

        void skip(int tag) {
            switch (tag & 7) {
                case 0 -> varint64();
                case 1 -> advance(8);
                case 2 -> advance(length());
                case 5 -> advance(4);
                default -> throw malformed("unsupported wire type " + (tag & 7));
            }
        }
    }

    @Override
    public void close() {
        tensors.values().forEach(OnnxTensor::close);
    }
}
