package dev.titans4j.export.testing;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

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

    /** Writes raw bytes. */
    public static Path raw(Path file, byte... bytes) throws IOException {
        Files.write(file, bytes);
        return file;
    }
}
