package dev.titans4j.titans.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * The binary layout of one {@link FileMemoryStateStore} file (all integers big-endian):
 * <pre>
 *  0  8 bytes  magic "T4JSTATE"
 *  8  int      format version (1)
 * 12  long     state version (positive)
 * 20  int      n = length of the memory id in UTF-8 bytes
 * 24  n bytes  memory id (UTF-8), so a file copied or renamed under another id is detected
 *     int      payload length
 *     int      CRC32C of the payload
 *     int      CRC32C of every header byte before this field
 *     payload
 * </pre>
 * The file must be exactly header plus payload long. Every way this can fail is a {@link CorruptStateException}
 * naming the file.
 */
final class StateFileFormat {

    static final int FORMAT_VERSION = 1;
    private static final byte[] MAGIC = "T4JSTATE".getBytes(StandardCharsets.US_ASCII);
    private static final int FIXED_PREFIX = MAGIC.length + Integer.BYTES + Long.BYTES + Integer.BYTES;
    private static final int FIXED_SUFFIX = 3 * Integer.BYTES;

    /** What a file's header says. */
    record Header(String memoryId, long version, int payloadLength, int payloadCrc, int headerLength) {
    }

    /** A whole decoded file. */
    record Decoded(Header header, byte[] payload) {
    }

    private StateFileFormat() {
    }

    static ByteBuffer encodeHeader(String memoryId, long version, byte[] payload) {
        byte[] id = memoryId.getBytes(StandardCharsets.UTF_8);
        ByteBuffer header = ByteBuffer.allocate(FIXED_PREFIX + id.length + FIXED_SUFFIX);
        header.put(MAGIC).putInt(FORMAT_VERSION).putLong(version).putInt(id.length).put(id);
        header.putInt(payload.length).putInt(crc(payload, 0, payload.length));
        header.putInt(crc(header.array(), 0, header.position()));
        return header.flip();
    }

    /** Decodes a whole file already read into memory. */
    static Decoded decode(Path file, byte[] content) {
        Header header = decodeHeader(file, content, content.length);
        long expectedLength = (long) header.headerLength() + header.payloadLength();
        if (content.length < expectedLength) {
            throw corrupt(file, "is truncated: header announces " + header.payloadLength() + " payload bytes, found "
                    + (content.length - header.headerLength()));
        }
        if (content.length > expectedLength) {
            throw corrupt(file, "has " + (content.length - expectedLength) + " unexpected bytes after the "
                    + header.payloadLength() + " payload bytes");
        }
        int actualCrc = crc(content, header.headerLength(), header.payloadLength());
        if (actualCrc != header.payloadCrc()) {
            throw corrupt(file, String.format("has a payload checksum mismatch (stored CRC32C %08x, computed %08x)",
                    header.payloadCrc(), actualCrc));
        }
        return new Decoded(header, Arrays.copyOfRange(content, header.headerLength(), content.length));
    }

    /** Reads and checks only the header of {@code file} (the payload may be large). */
    static Header readHeader(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            int limit = (int) Math.min(size, FIXED_PREFIX + MemoryIds.MAX_UTF8_BYTES + FIXED_SUFFIX);
            ByteBuffer buffer = ByteBuffer.allocate(limit);
            while (buffer.hasRemaining() && channel.read(buffer) >= 0) {
                // keep reading until the header window is full
            }
            return decodeHeader(file, buffer.array(), size);
        }
    }

    private static Header decodeHeader(Path file, byte[] content, long fileSize) {
        int available = (int) Math.min(content.length, fileSize);
        if (available < MAGIC.length) {
            throw corrupt(file, "is truncated: " + fileSize + " bytes, shorter than the file header");
        }
        if (!Arrays.equals(content, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
            throw corrupt(file, "is not a titans4j memory state file (bad magic number)");
        }
        if (available < FIXED_PREFIX) {
            throw corrupt(file, "is truncated: " + fileSize + " bytes, shorter than the file header");
        }
        ByteBuffer in = ByteBuffer.wrap(content, 0, available);
        in.position(MAGIC.length);
        int format = in.getInt();
        if (format != FORMAT_VERSION) {
            throw corrupt(file, "has unsupported format version " + format + " (this build reads version "
                    + FORMAT_VERSION + ")");
        }
        long version = in.getLong();
        int idLength = in.getInt();
        if (idLength < 1 || idLength > MemoryIds.MAX_UTF8_BYTES) {
            throw corrupt(file, "has a corrupt header (memory id length " + idLength + ")");
        }
        int headerLength = FIXED_PREFIX + idLength + FIXED_SUFFIX;
        if (available < headerLength) {
            throw corrupt(file, "is truncated: " + fileSize + " bytes, shorter than the " + headerLength
                    + "-byte header");
        }
        byte[] id = new byte[idLength];
        in.get(id);
        int payloadLength = in.getInt();
        int payloadCrc = in.getInt();
        int storedHeaderCrc = in.getInt();
        int actualHeaderCrc = crc(content, 0, headerLength - Integer.BYTES);
        if (storedHeaderCrc != actualHeaderCrc) {
            throw corrupt(file, String.format("has a header checksum mismatch (stored CRC32C %08x, computed %08x)",
                    storedHeaderCrc, actualHeaderCrc));
        }
        if (version < 1 || payloadLength < 0) {
            throw corrupt(file, "has a corrupt header (version " + version + ", payload length "
                    + payloadLength + ")");
        }
        return new Header(utf8(file, id), version, payloadLength, payloadCrc, headerLength);
    }

    private static String utf8(Path file, byte[] id) {
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(id)).toString();
        } catch (CharacterCodingException e) {
            throw new CorruptStateException("memory state file " + file + " has a memory id that is not UTF-8", e);
        }
    }

    private static int crc(byte[] bytes, int offset, int length) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, offset, length);
        return (int) crc.getValue();
    }

    private static CorruptStateException corrupt(Path file, String problem) {
        return new CorruptStateException("memory state file " + file + " " + problem);
    }
}
