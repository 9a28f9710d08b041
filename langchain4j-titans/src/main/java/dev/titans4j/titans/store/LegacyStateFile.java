package dev.titans4j.titans.store;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * Reads state files of format 1, written before the common envelope (all integers big-endian):
 * <pre>
 *  magic "T4JSTATE" | format version 1 (int32) | state version (int64) | id length n (int32) | id (n bytes UTF-8)
 *  | payload length (int32) | CRC32C of the payload (int32) | CRC32C of every header byte before this field | payload
 * </pre>
 */
final class LegacyStateFile {

    private static final int FORMAT_VERSION = 1;
    private static final int FIXED_PREFIX = 8 + 4 + 8 + 4;
    private static final int FIXED_SUFFIX = 3 * 4;

    private LegacyStateFile() {
    }

    static StateFileFormat.Decoded decode(Path file, byte[] content) {
        StateFileFormat.Header header = decodeHeader(file, content, content.length);
        long expectedLength = (long) header.headerLength() + header.payloadLength();
        if (content.length < expectedLength) {
            throw StateFileFormat.corrupt(file, "is truncated: header announces " + header.payloadLength()
                    + " payload bytes, found " + (content.length - header.headerLength()));
        }
        if (content.length > expectedLength) {
            throw StateFileFormat.corrupt(file, "has " + (content.length - expectedLength) + " unexpected bytes "
                    + "after the " + header.payloadLength() + " payload bytes");
        }
        int storedCrc = ByteBuffer.wrap(content, header.headerLength() - 8, 4).getInt();
        int actualCrc = crc(content, header.headerLength(), header.payloadLength());
        if (actualCrc != storedCrc) {
            throw StateFileFormat.corrupt(file, String.format("has a payload checksum mismatch (stored CRC32C %08x, "
                    + "computed %08x)", storedCrc, actualCrc));
        }
        return new StateFileFormat.Decoded(header, Arrays.copyOfRange(content, header.headerLength(), content.length));
    }

    static StateFileFormat.Header decodeHeader(Path file, byte[] content, long fileSize) {
        int available = (int) Math.min(content.length, fileSize);
        if (available < FIXED_PREFIX) {
            throw StateFileFormat.corrupt(file, "is truncated: " + fileSize + " bytes, shorter than the file header");
        }
        ByteBuffer in = ByteBuffer.wrap(content, 0, available);
        in.position(8);
        int format = in.getInt();
        if (format != FORMAT_VERSION) {
            throw StateFileFormat.corrupt(file, "has unsupported format version " + format + " (this build reads "
                    + "version " + FORMAT_VERSION + " and the envelope format)");
        }
        long version = in.getLong();
        int idLength = in.getInt();
        if (idLength < 1 || idLength > MemoryIds.MAX_UTF8_BYTES) {
            throw StateFileFormat.corrupt(file, "has a corrupt header (memory id length " + idLength + ")");
        }
        int headerLength = FIXED_PREFIX + idLength + FIXED_SUFFIX;
        if (available < headerLength) {
            throw StateFileFormat.corrupt(file, "is truncated: " + fileSize + " bytes, shorter than the "
                    + headerLength + "-byte header");
        }
        byte[] id = new byte[idLength];
        in.get(id);
        int payloadLength = in.getInt();
        in.getInt(); // payload CRC, checked by decode
        int storedHeaderCrc = in.getInt();
        int actualHeaderCrc = crc(content, 0, headerLength - Integer.BYTES);
        if (storedHeaderCrc != actualHeaderCrc) {
            throw StateFileFormat.corrupt(file, String.format("has a header checksum mismatch (stored CRC32C %08x, "
                    + "computed %08x)", storedHeaderCrc, actualHeaderCrc));
        }
        if (version < 1 || payloadLength < 0) {
            throw StateFileFormat.corrupt(file, "has a corrupt header (version " + version + ", payload length "
                    + payloadLength + ")");
        }
        return new StateFileFormat.Header(StateFileFormat.utf8(file, id), version, payloadLength, headerLength);
    }

    private static int crc(byte[] bytes, int offset, int length) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, offset, length);
        return (int) crc.getValue();
    }
}
