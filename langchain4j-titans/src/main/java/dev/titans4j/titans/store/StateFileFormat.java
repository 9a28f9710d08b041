package dev.titans4j.titans.store;

import dev.titans4j.titans.format.CorruptStateException;
import dev.titans4j.titans.format.Envelope;

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
 * The layout of one {@link FileMemoryStateStore} state file: codec {@value #CODEC} version {@value #VERSION} in the
 * {@link Envelope} (all integers big-endian):
 * <pre>
 *   envelope header
 *   state version (int64, positive) | memory id length n (int32) | memory id (n bytes UTF-8) | payload length (int32)
 *   | CRC32C of the file's bytes so far (int32): the header can be checked without reading the payload
 *   payload
 *   envelope footer (CRC32C of the whole file before it)
 * </pre>
 * The id is stored so a file copied or renamed under another id is detected. Files of format 1 (magic
 * "T4JSTATE", written before the common envelope) are still read; the next save rewrites them in this format.
 * Every way a file can be unreadable is a {@link CorruptStateException} naming the file.
 */
final class StateFileFormat {

    static final String CODEC = "titans4j.state-file";
    static final int VERSION = 2;
    private static final byte[] LEGACY_MAGIC = "T4JSTATE".getBytes(StandardCharsets.US_ASCII);
    private static final int ENVELOPE_HEADER = Envelope.headerLength(CODEC);

    /** What a file's header says. */
    record Header(String memoryId, long version, int payloadLength, int headerLength) {
    }

    /** A whole decoded file. */
    record Decoded(Header header, byte[] payload) {
    }

    private StateFileFormat() {
    }

    /** Header, payload and footer of a file, in that order (written with one gathering write). */
    static ByteBuffer[] encode(String memoryId, long version, byte[] payload) {
        byte[] id = memoryId.getBytes(StandardCharsets.UTF_8);
        ByteBuffer header = ByteBuffer.allocate(ENVELOPE_HEADER + 8 + 4 + id.length + 4 + 4);
        header.put(Envelope.header(CODEC, VERSION)).putLong(version).putInt(id.length).put(id).putInt(payload.length);
        CRC32C crc = new CRC32C();
        crc.update(header.array(), 0, header.position());
        header.putInt((int) crc.getValue());
        crc.update(header.array(), header.position() - 4, 4);
        crc.update(payload);
        return new ByteBuffer[] {header.flip(), ByteBuffer.wrap(payload), ByteBuffer.wrap(Envelope.footer(crc))};
    }

    /** Decodes a whole file already read into memory. */
    static Decoded decode(Path file, byte[] content) {
        if (isLegacy(content)) {
            return LegacyStateFile.decode(file, content);
        }
        Header header = decodeHeader(file, content, content.length);
        Envelope.Payload in = Envelope.open(content, CODEC, VERSION, VERSION, "memory state file " + file);
        int payloadStart = header.headerLength() - ENVELOPE_HEADER;
        if (in.remaining() != payloadStart + header.payloadLength()) {
            throw corrupt(file, "has " + (in.remaining() - payloadStart) + " payload bytes but its header announces "
                    + header.payloadLength());
        }
        byte[] payload = Arrays.copyOfRange(content, header.headerLength(), header.headerLength()
                + header.payloadLength());
        return new Decoded(header, payload);
    }

    /** Reads and checks only the header of {@code file} (the payload may be large). */
    static Header readHeader(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            int limit = (int) Math.min(size, ENVELOPE_HEADER + 8 + 4 + MemoryIds.MAX_UTF8_BYTES + 8 + 64);
            ByteBuffer buffer = ByteBuffer.allocate(limit);
            while (buffer.hasRemaining() && channel.read(buffer) >= 0) {
                // keep reading until the header window is full
            }
            byte[] head = Arrays.copyOf(buffer.array(), buffer.position());
            return isLegacy(head) ? LegacyStateFile.decodeHeader(file, head, size) : decodeHeader(file, head, size);
        }
    }

    private static boolean isLegacy(byte[] content) {
        return content.length >= LEGACY_MAGIC.length
                && Arrays.equals(content, 0, LEGACY_MAGIC.length, LEGACY_MAGIC, 0, LEGACY_MAGIC.length);
    }

    private static Header decodeHeader(Path file, byte[] content, long fileSize) {
        int available = (int) Math.min(content.length, fileSize);
        if (available < 4) {
            throw corrupt(file, "is truncated: " + fileSize + " bytes, shorter than the file header");
        }
        if (!Envelope.isEnvelope(content)) {
            throw corrupt(file, "is not a titans4j memory state file (bad magic number)");
        }
        if (available < ENVELOPE_HEADER + 12) {
            throw corrupt(file, "is truncated: " + fileSize + " bytes, shorter than the file header");
        }
        byte[] expected = Envelope.header(CODEC, VERSION);
        if (!Arrays.equals(content, 0, ENVELOPE_HEADER, expected, 0, ENVELOPE_HEADER)) {
            // Envelope.open names the difference (another codec, too old, too new)
            Envelope.open(content, CODEC, VERSION, VERSION, "memory state file " + file);
            throw corrupt(file, "has an unreadable header");
        }
        ByteBuffer in = ByteBuffer.wrap(content, 0, available);
        in.position(ENVELOPE_HEADER);
        long version = in.getLong();
        int idLength = in.getInt();
        if (idLength < 1 || idLength > MemoryIds.MAX_UTF8_BYTES) {
            throw corrupt(file, "has a corrupt header (memory id length " + idLength + ")");
        }
        int headerLength = ENVELOPE_HEADER + 8 + 4 + idLength + 4 + 4;
        if (available < headerLength) {
            throw corrupt(file, "is truncated: " + fileSize + " bytes, shorter than the " + headerLength
                    + "-byte header");
        }
        byte[] id = new byte[idLength];
        in.get(id);
        int payloadLength = in.getInt();
        int storedHeaderCrc = in.getInt();
        CRC32C crc = new CRC32C();
        crc.update(content, 0, headerLength - 4);
        if (storedHeaderCrc != (int) crc.getValue()) {
            throw corrupt(file, String.format("has a header checksum mismatch (stored CRC32C %08x, computed %08x)",
                    storedHeaderCrc, (int) crc.getValue()));
        }
        if (version < 1 || payloadLength < 0) {
            throw corrupt(file, "has a corrupt header (version " + version + ", payload length "
                    + payloadLength + ")");
        }
        return new Header(utf8(file, id), version, payloadLength, headerLength);
    }

    static String utf8(Path file, byte[] id) {
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(id)).toString();
        } catch (CharacterCodingException e) {
            throw new CorruptStateException("memory state file " + file + " has a memory id that is not UTF-8", e);
        }
    }

    static CorruptStateException corrupt(Path file, String problem) {
        return new CorruptStateException("memory state file " + file + " " + problem);
    }
}
