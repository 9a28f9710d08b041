package dev.titans4j.export.manifest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileDigestTest {

    @TempDir
    Path dir;

    @Test
    void crc32cOfTheStandardCheckString() throws Exception {
        // RFC 3720 (iSCSI) check value of CRC32C over "123456789"
        Path file = Files.writeString(dir.resolve("check"), "123456789", StandardCharsets.US_ASCII);
        assertThat(FileDigest.of(file)).isEqualTo(new FileDigest(9, "e3069283"));
    }

    @Test
    void digestWhileWritingEqualsDigestOfTheFileRead() throws Exception {
        byte[] data = new byte[3 * (1 << 20) + 12345]; // over several read chunks
        new Random(5).nextBytes(data);
        Path file = dir.resolve("data");
        FileDigest written;
        try (DigestingOutputStream out = new DigestingOutputStream(Files.newOutputStream(file))) {
            out.write(data, 0, 1000);
            out.write(data[1000]);
            out.write(data, 1001, data.length - 1001);
            written = out.digest();
        }
        assertThat(written.size()).isEqualTo(data.length);
        assertThat(FileDigest.of(file)).isEqualTo(written);
    }

    @Test
    void anEmptyFile() throws Exception {
        Path file = Files.createFile(dir.resolve("empty"));
        try (OutputStream out = new DigestingOutputStream(OutputStream.nullOutputStream())) {
            assertThat(((DigestingOutputStream) out).digest()).isEqualTo(FileDigest.of(file))
                    .isEqualTo(new FileDigest(0, "00000000"));
        }
    }
}
