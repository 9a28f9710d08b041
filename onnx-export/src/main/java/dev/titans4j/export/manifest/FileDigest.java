package dev.titans4j.export.manifest;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HexFormat;
import java.util.zip.CRC32C;

/**
 * A file's size in bytes and its CRC32C (8 lower-case hex digits), as {@code manifest.json} records them for each
 * file of an export ({@link ModelManifest#fileDigests()}): enough to tell a truncated or corrupted copy from what
 * the exporter wrote. CRC32C because the JDK computes it with the CPU's CRC instruction, so a digest costs little
 * more than reading the file; it detects accidents (bad copies, flipped bits), not tampering.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record FileDigest(long size, String crc32c) {

    private static final int CHUNK_BYTES = 1 << 20;

    /** Reads {@code file} once. For files the exporter writes, {@link DigestingOutputStream} avoids that read. */
    public static FileDigest of(Path file) throws IOException {
        CRC32C crc = new CRC32C();
        long size = 0;
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer chunk = ByteBuffer.allocateDirect(CHUNK_BYTES);
            int read;
            while ((read = channel.read(chunk)) >= 0) {
                size += read;
                crc.update(chunk.flip());
                chunk.clear();
            }
        }
        return new FileDigest(size, hex(crc.getValue()));
    }

    static String hex(long crc32c) {
        return HexFormat.of().toHexDigits((int) crc32c);
    }
}
