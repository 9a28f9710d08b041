package dev.titans4j.t2.engine;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxTensorLike;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
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

    /** Reads every external initializer of {@code modelBytes} (the model.onnx file) from files beside it. */
    static ExternalInitializers load(OrtEnvironment env, ByteBuffer modelBytes, Path folder) throws IOException {
        List<Entry> entries = list(modelBytes);
        Map<String, OnnxTensor> tensors = new LinkedHashMap<>();
        Map<String, FileChannel> files = new LinkedHashMap<>();
        try {
            for (Entry e : entries) {
                FileChannel channel = files.get(e.location());
                if (channel == null) {
                    channel = FileChannel.open(folder.resolve(e.location()), StandardOpenOption.READ);
                    files.put(e.location(), channel);
                }
                tensors.put(e.name(), tensor(env, e, read(channel, e)));
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

    private static ByteBuffer read(FileChannel channel, Entry e) throws IOException {
        if (e.length() > Integer.MAX_VALUE) {
            throw new IOException("initializer " + e.name() + " has " + e.length() + " bytes; over 2 GB per tensor");
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

    private static OnnxTensor tensor(OrtEnvironment env, Entry e, ByteBuffer data) {
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
            default -> throw new IllegalArgumentException("initializer " + e.name() + ": ONNX element type "
                    + e.dataType() + " is not supported for external data");
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
                    offset = Long.parseLong(value);
                } else if ("length".equals(key)) {
                    length = Long.parseLong(value);
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
        return new Entry(name, dims.stream().mapToLong(Long::longValue).toArray(), dataType, location, offset, length);
    }

    /** Protobuf wire-format reader over a slice of a buffer. */
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
                byte b = buffer.get();
                value |= (long) (b & 0x7f) << shift;
                if (b >= 0) {
                    return value;
                }
            }
            throw new IllegalArgumentException("malformed varint in model.onnx");
        }

        int varint32() {
            return (int) varint64();
        }

        Reader message() {
            int length = Math.toIntExact(varint64());
            ByteBuffer slice = buffer.slice(buffer.position(), length).order(ByteOrder.LITTLE_ENDIAN);
            buffer.position(buffer.position() + length);
            return new Reader(slice);
        }

        String string() {
            int length = Math.toIntExact(varint64());
            byte[] bytes = new byte[length];
            buffer.get(bytes);
            return new String(bytes, StandardCharsets.UTF_8);
        }

        void skip(int tag) {
            switch (tag & 7) {
                case 0 -> varint64();
                case 1 -> buffer.position(buffer.position() + 8);
                case 2 -> {
                    int length = Math.toIntExact(varint64()); // read before taking the position it moves
                    buffer.position(buffer.position() + length);
                }
                case 5 -> buffer.position(buffer.position() + 4);
                default -> throw new IllegalArgumentException("unsupported protobuf wire type " + (tag & 7));
            }
        }
    }

    @Override
    public void close() {
        tensors.values().forEach(OnnxTensor::close);
    }
}
