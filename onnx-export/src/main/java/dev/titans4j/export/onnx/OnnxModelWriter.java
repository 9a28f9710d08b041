package dev.titans4j.export.onnx;

import dev.titans4j.export.manifest.DigestingOutputStream;
import dev.titans4j.export.manifest.FileDigest;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Serialises a {@link Graph} as an ONNX ModelProto, streaming initializer data tensor by tensor so the model is
 * never held in memory. With external data, every initializer of at least {@link #EXTERNAL_MIN_BYTES} goes to a
 * side file at a 4 KiB-aligned offset (TensorProto.data_location = EXTERNAL); protobuf cannot exceed 2 GiB, so
 * {@link #mustUseExternalData} tells callers when the choice is not theirs.
 */
public final class OnnxModelWriter {

    /** Protobuf's hard limit is 2 GiB; stay clear of it. */
    public static final long MAX_INLINE_MODEL_BYTES = 1_800_000_000L;
    public static final int EXTERNAL_MIN_BYTES = 1024;
    private static final int ALIGNMENT = 4096;

    /** Called after each initializer is written. */
    public interface Listener {
        void tensorWritten(Initializer tensor);
    }

    /**
     * What was written, with each file's size and CRC32C computed on the way out; {@code dataFile} and
     * {@code dataDigest} are null without external data.
     */
    public record Written(Path modelFile, FileDigest modelDigest, Path dataFile, FileDigest dataDigest) {

        public long modelBytes() {
            return modelDigest.size();
        }

        /** 0 without external data. */
        public long dataBytes() {
            return dataDigest == null ? 0 : dataDigest.size();
        }
    }

    private final Map<String, Integer> opsets = new LinkedHashMap<>();
    private String producerName = "titans4j";
    private String producerVersion = "";

    public OnnxModelWriter opset(String domain, int version) {
        opsets.put(domain, version);
        return this;
    }

    public OnnxModelWriter producer(String name, String version) {
        this.producerName = name;
        this.producerVersion = version;
        return this;
    }

    public static boolean mustUseExternalData(Graph graph) {
        long total = 0;
        for (Initializer init : graph.initializers()) {
            total += init.byteLength();
        }
        return total > MAX_INLINE_MODEL_BYTES;
    }

    /**
     * Writes {@code modelFile}; with {@code externalData} also {@code modelFile + ".data"} beside it.
     */
    public Written write(Graph graph, Path modelFile, boolean externalData, Listener listener) throws IOException {
        if (!externalData && mustUseExternalData(graph)) {
            throw new IllegalArgumentException("model weights exceed " + MAX_INLINE_MODEL_BYTES
                    + " bytes, the protobuf limit; external data is required");
        }
        Path dataFile = externalData ? modelFile.resolveSibling(modelFile.getFileName() + ".data") : null;
        List<InitializerLayout> layouts = layout(graph, dataFile);

        ProtoBuffer graphHead = new ProtoBuffer();
        for (Node node : graph.nodes()) {
            graphHead.message(OnnxProto.GRAPH_NODE, node.encode());
        }
        graphHead.string(OnnxProto.GRAPH_NAME, graph.name());
        for (ValueInfo v : graph.inputs()) {
            graphHead.message(OnnxProto.GRAPH_INPUT, encode(v));
        }
        for (ValueInfo v : graph.outputs()) {
            graphHead.message(OnnxProto.GRAPH_OUTPUT, encode(v));
        }
        long graphSize = graphHead.size();
        for (InitializerLayout l : layouts) {
            graphSize += ProtoBuffer.lengthPrefixSize(OnnxProto.GRAPH_INITIALIZER, l.protoSize()) + l.protoSize();
        }

        ProtoBuffer modelHead = new ProtoBuffer()
                .varint(OnnxProto.MODEL_IR_VERSION, OnnxProto.IR_VERSION)
                .string(OnnxProto.MODEL_PRODUCER_NAME, producerName)
                .string(OnnxProto.MODEL_PRODUCER_VERSION, producerVersion);
        for (Map.Entry<String, Integer> e : opsets.entrySet()) {
            ProtoBuffer opset = new ProtoBuffer();
            if (!e.getKey().isEmpty()) {
                opset.string(OnnxProto.OPSET_DOMAIN, e.getKey());
            }
            modelHead.message(OnnxProto.MODEL_OPSET_IMPORT, opset.varint(OnnxProto.OPSET_VERSION, e.getValue()));
        }
        modelHead.lengthPrefix(OnnxProto.MODEL_GRAPH, graphSize);

        // digesting outside the buffers: each tensor's bytes are checksummed in its own large writes
        try (DigestingOutputStream model = new DigestingOutputStream(
                new BufferedOutputStream(Files.newOutputStream(modelFile), 1 << 20));
             DigestingOutputStream data = dataFile == null ? null : new DigestingOutputStream(
                     new BufferedOutputStream(Files.newOutputStream(dataFile), 1 << 20))) {
            modelHead.writeTo(model);
            graphHead.writeTo(model);
            for (InitializerLayout l : layouts) {
                ProtoBuffer prefix = new ProtoBuffer().lengthPrefix(OnnxProto.GRAPH_INITIALIZER, l.protoSize());
                prefix.writeTo(model);
                l.header().writeTo(model);
                if (l.external()) {
                    padTo(data, l.offset());
                    l.init().data().writeTo(data);
                    if (data.count() != l.offset() + l.init().byteLength()) {
                        throw new IllegalStateException("tensor " + l.init().name() + " wrote a wrong byte count");
                    }
                } else {
                    l.init().data().writeTo(model);
                }
                if (listener != null) {
                    listener.tensorWritten(l.init());
                }
            }
            model.flush();
            if (data != null) {
                data.flush();
            }
            return new Written(modelFile, model.digest(), dataFile, data == null ? null : data.digest());
        }
    }

    /** Zeros up to an external tensor's aligned offset. */
    private static void padTo(DigestingOutputStream data, long offset) throws IOException {
        if (data.count() < offset) {
            data.write(new byte[Math.toIntExact(offset - data.count())]);
        }
    }

    private record InitializerLayout(Initializer init, ProtoBuffer header, long protoSize, boolean external,
                                     long offset) {
    }

    private static List<InitializerLayout> layout(Graph graph, Path dataFile) {
        List<InitializerLayout> result = new ArrayList<>();
        long offset = 0;
        for (Initializer init : graph.initializers()) {
            ProtoBuffer header = new ProtoBuffer();
            for (long d : init.dims()) {
                header.varint(OnnxProto.TENSOR_DIMS, d);
            }
            header.varint(OnnxProto.TENSOR_DATA_TYPE, init.type().code())
                    .string(OnnxProto.TENSOR_NAME, init.name());
            long length = init.byteLength();
            boolean external = dataFile != null && length >= EXTERNAL_MIN_BYTES;
            if (external) {
                offset = (offset + ALIGNMENT - 1) / ALIGNMENT * ALIGNMENT;
                header.message(OnnxProto.TENSOR_EXTERNAL_DATA, entry("location", dataFile.getFileName().toString()))
                        .message(OnnxProto.TENSOR_EXTERNAL_DATA, entry("offset", Long.toString(offset)))
                        .message(OnnxProto.TENSOR_EXTERNAL_DATA, entry("length", Long.toString(length)))
                        .varint(OnnxProto.TENSOR_DATA_LOCATION, OnnxProto.DATA_LOCATION_EXTERNAL);
                result.add(new InitializerLayout(init, header, header.size(), true, offset));
                offset += length;
            } else {
                header.lengthPrefix(OnnxProto.TENSOR_RAW_DATA, length);
                result.add(new InitializerLayout(init, header, header.size() + length, false, -1));
            }
        }
        return result;
    }

    private static ProtoBuffer entry(String key, String value) {
        return new ProtoBuffer().string(OnnxProto.ENTRY_KEY, key).string(OnnxProto.ENTRY_VALUE, value);
    }

    private static ProtoBuffer encode(ValueInfo v) {
        ProtoBuffer shape = new ProtoBuffer();
        for (Object d : v.dims()) {
            ProtoBuffer dim = new ProtoBuffer();
            if (d instanceof String s) {
                dim.string(OnnxProto.DIM_PARAM, s);
            } else {
                dim.varint(OnnxProto.DIM_VALUE, ((Number) d).longValue());
            }
            shape.message(OnnxProto.SHAPE_DIM, dim);
        }
        ProtoBuffer tensorType = new ProtoBuffer()
                .varint(OnnxProto.TENSOR_TYPE_ELEM_TYPE, v.type().code())
                .message(OnnxProto.TENSOR_TYPE_SHAPE, shape);
        ProtoBuffer type = new ProtoBuffer().message(OnnxProto.TYPE_TENSOR, tensorType);
        return new ProtoBuffer().string(OnnxProto.VALUE_INFO_NAME, v.name()).message(OnnxProto.VALUE_INFO_TYPE, type);
    }
}
