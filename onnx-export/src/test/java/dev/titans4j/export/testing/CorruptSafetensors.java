package dev.titans4j.export.testing;

import dev.titans4j.export.safetensors.HalfFloats;
import dev.titans4j.export.safetensors.SafetensorsFile;
import dev.titans4j.export.safetensors.TensorInfo;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.function.UnaryOperator;

/** Writes broken safetensors files for bad-input tests. */
public final class CorruptSafetensors {

    private CorruptSafetensors() {
    }

    /** A file with exactly this header text (length prefix computed) followed by {@code dataBytes} zero bytes. */
    public static Path withHeader(Path file, String headerJson, int dataBytes) throws IOException {
        byte[] header = headerJson.getBytes(StandardCharsets.UTF_8);
        ByteBuffer bytes = ByteBuffer.allocate(8 + header.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        bytes.putLong(header.length).put(header);
        Files.write(file, bytes.array());
        return file;
    }

    /** Overwrites the 8-byte little-endian header length of an existing file. */
    public static Path setHeaderLength(Path file, long length) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ByteBuffer prefix = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(length);
            channel.write(prefix.flip(), 0);
        }
        return file;
    }

    /** Cuts {@code bytes} bytes off the end of the file. */
    public static Path truncateBy(Path file, long bytes) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.truncate(channel.size() - bytes);
        }
        return file;
    }

    /** Overwrites element {@code index} (flat, row-major) of {@code tensor} with {@code value} in its own dtype. */
    public static Path setValue(Path file, String tensor, long index, float value) throws IOException {
        TensorInfo info;
        try (SafetensorsFile st = SafetensorsFile.open(file)) {
            info = st.tensors().get(tensor);
        }
        ByteBuffer bytes = ByteBuffer.allocate(info.dtype().byteSize()).order(ByteOrder.LITTLE_ENDIAN);
        switch (info.dtype()) {
            case F32 -> bytes.putFloat(value);
            case F16 -> bytes.putShort(HalfFloats.floatToHalf(value));
            case BF16 -> bytes.putShort(HalfFloats.floatToBf16(value));
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            long position = 8 + headerLength(channel) + info.dataStart() + index * info.dtype().byteSize();
            channel.write(bytes.flip(), position);
        }
        return file;
    }

    /**
     * Replaces the header text (trailing padding removed before {@code edit} sees it) and keeps the data region
     * byte for byte; the length prefix is {@code edit}'s header length plus {@code lengthError}.
     */
    public static Path rewriteHeader(Path file, UnaryOperator<String> edit, int padding, long lengthError)
            throws IOException {
        byte[] all = Files.readAllBytes(file);
        int length = (int) ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN).getLong();
        String header = new String(all, 8, length, StandardCharsets.UTF_8).stripTrailing();
        byte[] edited = (edit.apply(header) + " ".repeat(padding)).getBytes(StandardCharsets.UTF_8);
        ByteBuffer out = ByteBuffer.allocate(8 + edited.length + all.length - 8 - length)
                .order(ByteOrder.LITTLE_ENDIAN);
        out.putLong(edited.length + lengthError).put(edited).put(all, 8 + length, all.length - 8 - length);
        Files.write(file, out.array());
        return file;
    }

    private static long headerLength(FileChannel channel) throws IOException {
        ByteBuffer prefix = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        channel.read(prefix, 0);
        return prefix.flip().getLong();
    }

    /** Writes raw bytes. */
    public static Path raw(Path file, byte... bytes) throws IOException {
        Files.write(file, bytes);
        return file;
    }
}
