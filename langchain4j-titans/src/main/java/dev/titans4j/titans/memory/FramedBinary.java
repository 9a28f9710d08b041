package dev.titans4j.titans.memory;

import dev.titans4j.titans.format.CorruptStateException;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;

/**
 * The frame of the state and parameter formats before the common {@link dev.titans4j.titans.format.Envelope}
 * (TTNS versions 1-2, TTNP version 1), still read so saved files keep loading, and the payload codecs both
 * generations share (big-endian):
 * <pre>
 *   magic (4 ASCII bytes) | version (int32) | payload length (int32) | CRC32C of payload (int32) | payload
 * </pre>
 * Decoding checks, in this order: length of the header, magic, version, payload length, checksum.
 */
final class FramedBinary {

    static final int HEADER = 16;

    private FramedBinary() {
    }

    /** Whether {@code bytes} start with a legacy frame's {@code magic}. */
    static boolean isFrame(byte[] bytes, String magic) {
        return bytes != null && bytes.length >= 4
                && new String(bytes, 0, 4, StandardCharsets.ISO_8859_1).equals(magic);
    }

    /** The format version of bytes that {@link #unframe} accepted. */
    static int version(byte[] framed) {
        return ByteBuffer.wrap(framed, 4, 4).order(ByteOrder.BIG_ENDIAN).getInt();
    }

    /** The payload of a valid frame, positioned at its first byte; throws with a message naming the problem. */
    static ByteBuffer unframe(byte[] bytes, String magic, int supportedVersion, String what) {
        if (bytes == null) {
            throw new CorruptStateException(what + ": no data (null)");
        }
        if (bytes.length < HEADER) {
            throw new CorruptStateException(what + " truncated: " + bytes.length
                    + " bytes is shorter than the " + HEADER + "-byte header");
        }
        ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.BIG_ENDIAN);
        byte[] m = new byte[4];
        in.get(m);
        String found = new String(m, StandardCharsets.ISO_8859_1);
        if (!found.equals(magic)) {
            throw new CorruptStateException("not a " + what + ": magic is '" + printable(found) + "', expected '"
                    + magic + "'");
        }
        int version = in.getInt();
        if (version > supportedVersion) {
            throw new CorruptStateException(what + " has format version " + version
                    + ", newer than the supported version " + supportedVersion + "; upgrade titans4j");
        }
        if (version < 1) {
            throw new CorruptStateException(what + " has invalid format version " + version);
        }
        int length = in.getInt();
        int expectedCrc = in.getInt();
        if (length < 0 || length > bytes.length - HEADER) {
            throw new CorruptStateException(what + " truncated: header announces " + length
                    + " payload bytes but only " + (bytes.length - HEADER) + " are present");
        }
        if (length < bytes.length - HEADER) {
            throw new CorruptStateException(what + " has " + (bytes.length - HEADER - length)
                    + " unexpected trailing bytes after the payload");
        }
        int actualCrc = crc(bytes, HEADER, length);
        if (actualCrc != expectedCrc) {
            throw new CorruptStateException(what + " corrupted: CRC32C checksum mismatch (stored "
                    + Integer.toHexString(expectedCrc) + ", computed " + Integer.toHexString(actualCrc) + ")");
        }
        return ByteBuffer.wrap(bytes, HEADER, length).slice().order(ByteOrder.BIG_ENDIAN);
    }

    private static int crc(byte[] b, int off, int len) {
        CRC32C c = new CRC32C();
        c.update(b, off, len);
        return (int) c.getValue();
    }

    private static String printable(String s) {
        StringBuilder b = new StringBuilder();
        for (char ch : s.toCharArray()) {
            b.append(ch >= 0x20 && ch < 0x7f ? String.valueOf(ch) : String.format("\\x%02x", (int) ch));
        }
        return b.toString();
    }

    /** Reads a length-prefixed double array, checking the length against what the caller expects. */
    static double[] readDoubles(ByteBuffer in, int expected, String field, String what) {
        requireDoubles(in, expected, field, what);
        double[] out = new double[expected];
        readInto(in, out);
        return out;
    }

    static int readInt(ByteBuffer in, String field, String what) {
        if (in.remaining() < 4) {
            throw new CorruptStateException(what + " truncated at field " + field);
        }
        return in.getInt();
    }

    static long readLong(ByteBuffer in, String field, String what) {
        if (in.remaining() < 8) {
            throw new CorruptStateException(what + " truncated at field " + field);
        }
        return in.getLong();
    }

    /** Reads {@code into.length} doubles, unprefixed (the caller checked the length prefix and the remaining bytes). */
    static void readInto(ByteBuffer in, double[] into) {
        in.asDoubleBuffer().get(into);
        in.position(in.position() + 8 * into.length);
    }

    /** Reads a length prefix, checking it and that {@code expected} doubles follow. */
    static void requireDoubles(ByteBuffer in, int expected, String field, String what) {
        int n = readInt(in, field, what);
        if (n != expected) {
            throw new CorruptStateException(what + ": field " + field + " has " + n + " values, expected "
                    + expected);
        }
        if (in.remaining() < 8L * n) {
            throw new CorruptStateException(what + " truncated inside field " + field);
        }
    }

    /** Writes row-form values as one length-prefixed array, the same bytes as writeDoubles of their concatenation. */
    static void writeRows(ByteBuffer out, double[][] rows, int total) {
        out.putInt(total);
        for (double[] row : rows) {
            writeUnprefixed(out, row);
        }
    }

    private static void writeUnprefixed(ByteBuffer out, double[] values) {
        out.asDoubleBuffer().put(values);
        out.position(out.position() + 8 * values.length);
    }

    /** Length-prefixed float32 values of row-form weights (a float32 state's weights are exactly floats). */
    static void writeRowsAsFloats(ByteBuffer out, double[][] rows, int total) {
        out.putInt(total);
        for (double[] row : rows) {
            for (double v : row) {
                out.putFloat((float) v);
            }
        }
    }

    /** Reads length-prefixed float32 values into row form. */
    static void readFloatRows(ByteBuffer in, double[][] rows, int expected, String field, String what) {
        int n = readInt(in, field, what);
        if (n != expected) {
            throw new CorruptStateException(what + ": field " + field + " has " + n + " values, expected "
                    + expected);
        }
        if (in.remaining() < 4L * n) {
            throw new CorruptStateException(what + " truncated inside field " + field);
        }
        for (double[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                row[i] = in.getFloat();
            }
        }
    }

    static void writeDoubles(ByteBuffer out, double[] values) {
        out.putInt(values.length);
        writeUnprefixed(out, values);
    }
}
