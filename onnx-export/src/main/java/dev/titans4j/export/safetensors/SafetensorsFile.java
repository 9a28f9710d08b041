package dev.titans4j.export.safetensors;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;

/**
 * A validated, open safetensors file.
 *
 * <p>Layout: an unsigned 64-bit little-endian header length N, N bytes of JSON header, then the data region.
 * {@link #open} reads and validates the whole header before returning (see {@link SafetensorsHeader}); tensor data is
 * read on demand through memory-mapped windows smaller than 2 GB, so files of any size work and the file is never
 * mapped as one buffer. Instances are safe for concurrent reads. Every failure is a {@link SafetensorsException}.
 */
public final class SafetensorsFile implements Closeable {

    /** Upper bound on the JSON header; real headers are kilobytes to a few megabytes. */
    public static final long MAX_HEADER_BYTES = 100L * 1024 * 1024;

    static final long DEFAULT_WINDOW_BYTES = 1L << 30;

    private final Path path;
    private final String label;
    private final FileChannel channel;
    private final long dataOffset;
    private final long windowBytes;
    private final SafetensorsHeader header;

    private SafetensorsFile(Path path, FileChannel channel, long dataOffset, long windowBytes,
            SafetensorsHeader header) {
        this.path = path;
        this.label = labelOf(path);
        this.channel = channel;
        this.dataOffset = dataOffset;
        this.windowBytes = windowBytes;
        this.header = header;
    }

    /** Opens and validates {@code file}. */
    public static SafetensorsFile open(Path file) throws SafetensorsException {
        return open(file, DEFAULT_WINDOW_BYTES);
    }

    /** As {@link #open(Path)} with a chosen mapping window (tests use tiny windows to exercise window seams). */
    static SafetensorsFile open(Path file, long windowBytes) throws SafetensorsException {
        if (windowBytes < 8 || windowBytes > Integer.MAX_VALUE || windowBytes % 4 != 0) {
            throw new IllegalArgumentException("window must be a multiple of 4 in [8, 2^31): " + windowBytes);
        }
        String label = labelOf(file);
        FileChannel channel;
        try {
            channel = FileChannel.open(file, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            throw SafetensorsException.forFile(label, "file not found (" + file.toAbsolutePath() + ")");
        } catch (IOException e) {
            throw new SafetensorsException(label + ": cannot open: " + e.getMessage(), e);
        }
        try {
            long fileSize = channel.size();
            long headerLength = readHeaderLength(label, channel, fileSize);
            byte[] json = readFully(label, channel, 8, (int) headerLength);
            long dataOffset = 8 + headerLength;
            SafetensorsHeader header = SafetensorsHeader.parse(label, json, fileSize - dataOffset);
            return new SafetensorsFile(file, channel, dataOffset, windowBytes, header);
        } catch (IOException | RuntimeException e) {
            closeQuietly(channel, e);
            if (e instanceof SafetensorsException se) {
                throw se;
            }
            throw new SafetensorsException(label + ": cannot read: " + e.getMessage(), e);
        }
    }

    private static long readHeaderLength(String label, FileChannel channel, long fileSize) throws IOException {
        if (fileSize < 8) {
            throw SafetensorsException.forFile(label, "file is " + fileSize
                    + " bytes, too short for a safetensors header (at least 8 bytes)");
        }
        ByteBuffer prefix = ByteBuffer.wrap(readFully(label, channel, 0, 8)).order(ByteOrder.LITTLE_ENDIAN);
        long length = prefix.getLong();
        String shown = Long.toUnsignedString(length);
        if (length == 0) {
            throw SafetensorsException.forFile(label, "header length is 0");
        }
        if (length < 0 || length > fileSize - 8) {
            throw SafetensorsException.forFile(label, "header length " + shown + " exceeds the file size ("
                    + fileSize + " bytes); the file is truncated or not a safetensors file");
        }
        if (length > MAX_HEADER_BYTES) {
            throw SafetensorsException.forFile(label, "header length " + shown + " exceeds the limit of "
                    + MAX_HEADER_BYTES + " bytes");
        }
        return length;
    }

    private static byte[] readFully(String label, FileChannel channel, long position, int length)
            throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(length);
        while (buffer.hasRemaining()) {
            int n = channel.read(buffer, position + buffer.position());
            if (n < 0) {
                throw SafetensorsException.forFile(label, "unexpected end of file at byte "
                        + (position + buffer.position()));
            }
        }
        return buffer.array();
    }

    /** The file this was opened from. */
    public Path path() {
        return path;
    }

    /** Tensors in header order, by name. */
    public Map<String, TensorInfo> tensors() {
        return header.tensors();
    }

    /** The optional {@code __metadata__} string map (empty when absent). */
    public Map<String, String> metadata() {
        return header.metadata();
    }

    /** Tensor entry by name. */
    public TensorInfo info(String name) throws SafetensorsException {
        TensorInfo info = header.tensors().get(name);
        if (info == null) {
            throw SafetensorsException.forTensor(label, name, "no such tensor in this file");
        }
        return info;
    }

    /** Reads a tensor as float32 values in row-major order, converting F16 and BF16 exactly. */
    public float[] readFloats(String name) throws SafetensorsException {
        TensorInfo info = info(name);
        long count = info.elementCount();
        if (count > Integer.MAX_VALUE - 8) {
            throw SafetensorsException.forTensor(label, name, "has " + count
                    + " elements, more than a Java array holds");
        }
        float[] values = new float[(int) count];
        int elementBytes = info.dtype().byteSize();
        long window = windowBytes - windowBytes % elementBytes;
        int filled = 0;
        try {
            for (long start = info.dataStart(); start < info.dataEnd(); start += window) {
                long size = Math.min(window, info.dataEnd() - start);
                MappedByteBuffer mapped = channel.map(FileChannel.MapMode.READ_ONLY, dataOffset + start, size);
                mapped.order(ByteOrder.LITTLE_ENDIAN);
                filled += decode(info.dtype(), mapped, values, filled);
            }
        } catch (ClosedChannelException e) {
            throw SafetensorsException.forTensor(label, name, "cannot read: the file is closed");
        } catch (IOException e) {
            throw new SafetensorsException(label + ": tensor '" + name + "': cannot read: " + e.getMessage(), e);
        }
        return values;
    }

    private static int decode(DType dtype, ByteBuffer bytes, float[] out, int offset) {
        int n = bytes.remaining() / dtype.byteSize();
        switch (dtype) {
            case F32 -> bytes.asFloatBuffer().get(out, offset, n);
            case F16 -> {
                for (int i = 0; i < n; i++) {
                    out[offset + i] = HalfFloats.halfToFloat(bytes.getShort());
                }
            }
            case BF16 -> {
                for (int i = 0; i < n; i++) {
                    out[offset + i] = HalfFloats.bf16ToFloat(bytes.getShort());
                }
            }
        }
        return n;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    @Override
    public String toString() {
        return "SafetensorsFile[" + path + ", " + header.tensors().size() + " tensors]";
    }

    private static String labelOf(Path file) {
        Path name = file.getFileName();
        return name == null ? file.toString() : name.toString();
    }

    private static void closeQuietly(FileChannel channel, Exception primary) {
        try {
            channel.close();
        } catch (IOException suppressed) {
            primary.addSuppressed(suppressed);
        }
    }
}
