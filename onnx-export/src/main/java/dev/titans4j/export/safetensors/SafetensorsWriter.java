package dev.titans4j.export.safetensors;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Writes safetensors files: tensors are stored in insertion order, back to back, after a JSON header padded with
 * spaces to a multiple of 8 bytes (as the reference implementation does). The file is written to a temporary
 * sibling and moved into place, so a failed write never leaves a half-written file under the target name.
 *
 * <pre>{@code
 * new SafetensorsWriter()
 *         .metadata("format", "pt")
 *         .add("model.norm.weight", DType.F32, new long[] {64}, values)
 *         .write(dir.resolve("model.safetensors"));
 * }</pre>
 */
public final class SafetensorsWriter {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int CHUNK_BYTES = 1 << 20;

    private final Map<String, TensorData> tensors = new LinkedHashMap<>();
    private final Map<String, String> metadata = new LinkedHashMap<>();

    /** Adds a tensor; names must be unique and must not be {@code __metadata__}. */
    public SafetensorsWriter add(String name, TensorData tensor) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(tensor, "tensor");
        if (name.equals(SafetensorsHeader.METADATA_KEY)) {
            throw new IllegalArgumentException("'" + name + "' is reserved for metadata");
        }
        if (tensors.putIfAbsent(name, tensor) != null) {
            throw new IllegalArgumentException("tensor '" + name + "' added twice");
        }
        return this;
    }

    /** Adds a tensor from its parts. */
    public SafetensorsWriter add(String name, DType dtype, long[] shape, float[] values) {
        return add(name, new TensorData(dtype, shape, values));
    }

    /** Adds one {@code __metadata__} entry. */
    public SafetensorsWriter metadata(String key, String value) {
        metadata.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
        return this;
    }

    /** Writes the file. */
    public void write(Path file) throws IOException {
        byte[] header = headerBytes();
        Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
        try (FileChannel out = FileChannel.open(temporary, StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
            ByteBuffer prefix = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(header.length);
            writeFully(out, prefix.flip());
            writeFully(out, ByteBuffer.wrap(header));
            ByteBuffer chunk = ByteBuffer.allocate(CHUNK_BYTES).order(ByteOrder.LITTLE_ENDIAN);
            for (TensorData tensor : tensors.values()) {
                writeValues(out, tensor, chunk);
            }
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(temporary);
            throw e;
        }
        Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Writes {@code tensors} (in map order) and {@code metadata} to {@code file}. */
    public static void write(Path file, Map<String, TensorData> tensors, Map<String, String> metadata)
            throws IOException {
        SafetensorsWriter writer = new SafetensorsWriter();
        metadata.forEach(writer::metadata);
        tensors.forEach(writer::add);
        writer.write(file);
    }

    private byte[] headerBytes() throws IOException {
        ObjectNode root = JSON.createObjectNode();
        if (!metadata.isEmpty()) {
            ObjectNode meta = root.putObject(SafetensorsHeader.METADATA_KEY);
            metadata.forEach(meta::put);
        }
        long offset = 0;
        for (Map.Entry<String, TensorData> entry : tensors.entrySet()) {
            TensorData tensor = entry.getValue();
            ObjectNode node = root.putObject(entry.getKey());
            node.put("dtype", tensor.dtype().name());
            ArrayNode shape = node.putArray("shape");
            for (long d : tensor.shape()) {
                shape.add(d);
            }
            node.putArray("data_offsets").add(offset).add(offset + tensor.byteSize());
            offset += tensor.byteSize();
        }
        byte[] json = JSON.writeValueAsString(root).getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 7) / 8 * 8;
        byte[] header = new byte[padded];
        System.arraycopy(json, 0, header, 0, json.length);
        for (int i = json.length; i < padded; i++) {
            header[i] = ' ';
        }
        return header;
    }

    private static void writeValues(FileChannel out, TensorData tensor, ByteBuffer chunk) throws IOException {
        float[] values = tensor.values();
        for (float v : values) {
            if (chunk.remaining() < 4) {
                writeFully(out, chunk.flip());
                chunk.clear();
            }
            switch (tensor.dtype()) {
                case F32 -> chunk.putFloat(v);
                case F16 -> chunk.putShort(HalfFloats.floatToHalf(v));
                case BF16 -> chunk.putShort(HalfFloats.floatToBf16(v));
            }
        }
        writeFully(out, chunk.flip());
        chunk.clear();
    }

    private static void writeFully(FileChannel out, ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            out.write(buffer);
        }
    }
}
