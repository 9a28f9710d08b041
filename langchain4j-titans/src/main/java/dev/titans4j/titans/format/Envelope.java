package dev.titans4j.titans.format;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * The envelope of every titans4j binary format, in the manner of Lucene's {@code CodecUtil}: a header naming the
 * codec and its version, the payload, and a footer with a checksum of everything before it (big-endian):
 * <pre>
 *   header  magic 0x54344A45 ("T4JE", int32) | codec name length (byte) | codec name (ASCII) | version (int32)
 *   payload
 *   footer  footer magic 0xABCB5BBA (int32) | CRC32C of every preceding byte (int32)
 * </pre>
 * {@link #open} checks, in this order, the length, both magics, the checksum, the codec name and the version range,
 * so a reader learns exactly why bytes are refused: truncated, not an envelope, corrupted, another format, too old
 * or too new. All of these are one {@link CorruptStateException}.
 */
public final class Envelope {

    static final int MAGIC = 0x54344A45;
    static final int FOOTER_MAGIC = ~MAGIC;
    static final int FOOTER_LENGTH = 8;
    private static final int MAX_CODEC_LENGTH = 64;

    private Envelope() {
    }

    /** Starts writing a payload of codec {@code codec}, version {@code version}; finish with {@link Writer#finish}. */
    public static Writer writer(String codec, int version) {
        return new Writer(codec, version, 256);
    }

    /** As {@link #writer(String, int)} with room for {@code expectedPayload} bytes (saves copies of big states). */
    public static Writer writer(String codec, int version, int expectedPayload) {
        return new Writer(codec, version, expectedPayload);
    }

    /** Header, {@code payload} and footer in one array (one copy of the payload). */
    public static byte[] wrap(String codec, int version, byte[] payload) {
        byte[] head = header(codec, version);
        byte[] out = new byte[head.length + payload.length + FOOTER_LENGTH];
        System.arraycopy(head, 0, out, 0, head.length);
        System.arraycopy(payload, 0, out, head.length, payload.length);
        ByteBuffer tail = ByteBuffer.wrap(out, head.length + payload.length, FOOTER_LENGTH);
        tail.putInt(FOOTER_MAGIC);
        tail.putInt(crc(out, 0, out.length - 4));
        return out;
    }

    /**
     * The footer for content written piecewise (big files): {@code crc} has seen every byte before the footer; this
     * adds the footer magic to it and returns the 8 footer bytes.
     */
    public static byte[] footer(CRC32C crc) {
        ByteBuffer footer = ByteBuffer.allocate(FOOTER_LENGTH);
        footer.putInt(FOOTER_MAGIC);
        crc.update(footer.array(), 0, 4);
        footer.putInt((int) crc.getValue());
        return footer.array();
    }

    /** The bytes of the header alone (for formats that append records after a header). */
    public static byte[] header(String codec, int version) {
        byte[] name = checkCodec(codec);
        ByteBuffer b = ByteBuffer.allocate(headerLength(name.length));
        b.putInt(MAGIC).put((byte) name.length).put(name).putInt(version);
        return b.array();
    }

    public static int headerLength(String codec) {
        return headerLength(checkCodec(codec).length);
    }

    private static int headerLength(int nameLength) {
        return 4 + 1 + nameLength + 4;
    }

    /**
     * Whether {@code bytes} start with the magic and name of {@code codec}'s header, whatever version follows and
     * whatever the checksum: for formats that must tell a damaged or newer file of theirs from anything else.
     */
    public static boolean namesCodec(byte[] bytes, String codec) {
        byte[] expected = header(codec, 0);
        int named = expected.length - Integer.BYTES; // magic and codec name; the version follows
        return bytes != null && bytes.length >= named && Arrays.equals(bytes, 0, named, expected, 0, named);
    }

    /** Whether {@code bytes} start like an envelope (to tell it from older, pre-envelope formats). */
    public static boolean isEnvelope(byte[] bytes) {
        return bytes != null && bytes.length >= 4 && ByteBuffer.wrap(bytes).getInt() == MAGIC;
    }

    /**
     * Checks {@code bytes} and returns the payload with the version it was written as.
     *
     * @param what   how the data is named in error messages, e.g. "chat memory snapshot of id 'u1'"
     * @throws CorruptStateException naming {@code what} and the first problem found
     */
    public static Payload open(byte[] bytes, String codec, int minVersion, int maxVersion, String what) {
        if (bytes == null) {
            throw new CorruptStateException(what + ": no data (null)");
        }
        byte[] expectedName = checkCodec(codec);
        if (bytes.length < headerLength(0) + FOOTER_LENGTH) {
            throw new CorruptStateException(what + " is truncated: " + bytes.length + " bytes cannot hold a header "
                    + "and a footer");
        }
        ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.BIG_ENDIAN);
        if (in.getInt() != MAGIC) {
            throw new CorruptStateException(what + " is not a titans4j " + codec + " (bad header magic)");
        }
        int footer = bytes.length - FOOTER_LENGTH;
        if (in.getInt(footer) != FOOTER_MAGIC) {
            throw new CorruptStateException(what + " is truncated or has trailing bytes (no footer at its end)");
        }
        int stored = in.getInt(footer + 4);
        int actual = crc(bytes, 0, footer + 4);
        if (stored != actual) {
            throw new CorruptStateException(String.format("%s is corrupted: CRC32C mismatch (stored %08x, "
                    + "computed %08x)", what, stored, actual));
        }
        int nameLength = in.get() & 0xff;
        if (nameLength > MAX_CODEC_LENGTH || in.position() + nameLength + 4 > footer) {
            throw new CorruptStateException(what + " has a malformed header (codec name length " + nameLength + ")");
        }
        byte[] name = new byte[nameLength];
        in.get(name);
        String found = new String(name, StandardCharsets.US_ASCII);
        if (!found.equals(codec)) {
            throw new CorruptStateException(what + " is a '" + found + "', not a '" + codec + "'");
        }
        int version = in.getInt();
        if (version < minVersion) {
            throw new CorruptStateException(what + " has format version " + version + ", too old: this library "
                    + "reads " + range(minVersion, maxVersion));
        }
        if (version > maxVersion) {
            throw new CorruptStateException(what + " has format version " + version + ", too new: this library "
                    + "reads " + range(minVersion, maxVersion) + "; upgrade titans4j");
        }
        ByteBuffer payload = ByteBuffer.wrap(bytes, in.position(), footer - in.position()).slice()
                .order(ByteOrder.BIG_ENDIAN);
        return new Payload(version, payload, what);
    }

    private static String range(int min, int max) {
        return min == max ? "version " + min : "versions " + min + " to " + max;
    }

    private static byte[] checkCodec(String codec) {
        byte[] name = codec.getBytes(StandardCharsets.US_ASCII);
        if (name.length == 0 || name.length > MAX_CODEC_LENGTH) {
            throw new IllegalArgumentException("codec name must have 1 to " + MAX_CODEC_LENGTH + " characters: "
                    + codec);
        }
        return name;
    }

    static int crc(byte[] b, int off, int len) {
        CRC32C c = new CRC32C();
        c.update(b, off, len);
        return (int) c.getValue();
    }

    /** A checked payload; reads report truncation as {@link CorruptStateException} naming the field. */
    public static final class Payload {
        private final int version;
        private final ByteBuffer in;
        private final String what;

        Payload(int version, ByteBuffer in, String what) {
            this.version = version;
            this.in = in;
            this.what = what;
        }

        public int version() {
            return version;
        }

        public String what() {
            return what;
        }

        public int remaining() {
            return in.remaining();
        }

        public ByteBuffer buffer() {
            return in;
        }

        private void need(int bytes, String field) {
            if (in.remaining() < bytes) {
                throw new CorruptStateException(what + " is truncated at field " + field);
            }
        }

        public byte readByte(String field) {
            need(1, field);
            return in.get();
        }

        public int readInt(String field) {
            need(4, field);
            return in.getInt();
        }

        public long readLong(String field) {
            need(8, field);
            return in.getLong();
        }

        public float readFloat(String field) {
            need(4, field);
            return in.getFloat();
        }

        public double readDouble(String field) {
            need(8, field);
            return in.getDouble();
        }

        /** A length-prefixed byte array of at most {@code max} bytes. */
        public byte[] readBytes(String field, int max) {
            int n = readInt(field + " length");
            if (n < 0 || n > max) {
                throw new CorruptStateException(what + ": field " + field + " has an invalid length " + n);
            }
            need(n, field);
            byte[] out = new byte[n];
            in.get(out);
            return out;
        }

        public String readString(String field) {
            return new String(readBytes(field, in.remaining()), StandardCharsets.UTF_8);
        }

        /** A count that must lie in [0, max]. */
        public int readCount(String field, int max) {
            int n = readInt(field);
            if (n < 0 || n > max) {
                throw new CorruptStateException(what + ": field " + field + " has an invalid count " + n);
            }
            return n;
        }

        public void readFloats(float[] into, String field) {
            need(4 * into.length, field);
            in.asFloatBuffer().get(into);
            in.position(in.position() + 4 * into.length);
        }

        public void readDoubles(double[] into, String field) {
            need(8 * into.length, field);
            in.asDoubleBuffer().get(into);
            in.position(in.position() + 8 * into.length);
        }

        /** Fails unless every payload byte was read. */
        public void requireEnd() {
            if (in.hasRemaining()) {
                throw new CorruptStateException(what + " has " + in.remaining() + " unexpected bytes after its "
                        + "content");
            }
        }

        public CorruptStateException corrupt(String problem) {
            return new CorruptStateException(what + ": " + problem);
        }
    }

    /** Writes header, payload and footer into one growing array; {@link #finish} adds the checksum. */
    public static final class Writer {

        private byte[] buf;
        private int size;

        private Writer(String codec, int version, int expectedPayload) {
            this.buf = new byte[Math.max(64, expectedPayload + 96)];
            putBytes(header(codec, version));
        }

        private ByteBuffer room(int n) {
            if (size + n > buf.length) {
                buf = java.util.Arrays.copyOf(buf, Math.max(buf.length * 2, size + n));
            }
            ByteBuffer at = ByteBuffer.wrap(buf, size, n);
            size += n;
            return at;
        }

        public void putByte(int v) {
            room(1).put((byte) v);
        }

        public void putInt(int v) {
            room(4).putInt(v);
        }

        public void putLong(long v) {
            room(8).putLong(v);
        }

        public void putFloat(float v) {
            room(4).putFloat(v);
        }

        public void putDouble(double v) {
            room(8).putDouble(v);
        }

        public void putBytes(byte[] b) {
            room(b.length).put(b);
        }

        /** A length-prefixed byte array (int32 length, then the bytes). */
        public void writeBytesField(byte[] value) {
            putInt(value.length);
            putBytes(value);
        }

        /** A length-prefixed UTF-8 string. */
        public void writeStringField(String value) {
            writeBytesField(value.getBytes(StandardCharsets.UTF_8));
        }

        /** Appends the footer and returns the complete bytes; the writer must not be used afterwards. */
        public byte[] finish() {
            putInt(FOOTER_MAGIC);
            putInt(crc(buf, 0, size));
            byte[] out = java.util.Arrays.copyOf(buf, size);
            buf = null;
            return out;
        }
    }
}
