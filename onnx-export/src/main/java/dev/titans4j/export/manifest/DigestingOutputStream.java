package dev.titans4j.export.manifest;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.zip.CRC32C;

/**
 * Passes bytes on to a stream while counting them and updating a CRC32C, so the exporter records a file's
 * {@link FileDigest} as it writes it instead of reading gigabytes back.
 */
public final class DigestingOutputStream extends FilterOutputStream {

    private final CRC32C crc = new CRC32C();
    private long count;

    public DigestingOutputStream(OutputStream out) {
        super(out);
    }

    /** Bytes written so far. */
    public long count() {
        return count;
    }

    /** The digest of everything written so far. */
    public FileDigest digest() {
        return new FileDigest(count, FileDigest.hex(crc.getValue()));
    }

    @Override
    public void write(int b) throws IOException {
        out.write(b);
        crc.update(b);
        count++;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        out.write(b, off, len);
        crc.update(b, off, len);
        count += len;
    }
}
