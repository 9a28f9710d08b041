package dev.titans4j.export.safetensors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.titans4j.export.testing.CorruptSafetensors;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every malformed file is rejected at open() with one message naming the file, the tensor and the problem. */
class SafetensorsBadInputTest {

    @TempDir
    Path dir;

    private Path file() {
        return dir.resolve("model.safetensors");
    }

    private void assertRejected(Path file, String message) {
        assertThatThrownBy(() -> SafetensorsFile.open(file))
                .isInstanceOf(SafetensorsException.class)
                .hasMessage(message);
    }

    private Path header(String json, int dataBytes) throws IOException {
        return CorruptSafetensors.withHeader(file(), json, dataBytes);
    }

    @Test
    void missingFile() {
        assertThatThrownBy(() -> SafetensorsFile.open(dir.resolve("nope.safetensors")))
                .isInstanceOf(SafetensorsException.class)
                .hasMessageStartingWith("nope.safetensors: file not found (");
    }

    @Test
    void fileShorterThanTheLengthPrefix() throws IOException {
        assertRejected(CorruptSafetensors.raw(file(), (byte) 1, (byte) 2, (byte) 3),
                "model.safetensors: file is 3 bytes, too short for a safetensors header (at least 8 bytes)");
    }

    @Test
    void zeroHeaderLength() throws IOException {
        assertRejected(CorruptSafetensors.raw(file(), new byte[16]), "model.safetensors: header length is 0");
    }

    @Test
    void headerLengthBeyondTheFile() throws IOException {
        Path file = header("{}", 0);
        CorruptSafetensors.setHeaderLength(file, 1000);
        assertRejected(file, "model.safetensors: header length 1000 exceeds the file size (10 bytes);"
                + " the file is truncated or not a safetensors file");
    }

    @Test
    void headerLengthThatIsNegativeAsASignedLong() throws IOException {
        Path file = header("{}", 0);
        CorruptSafetensors.setHeaderLength(file, -1);
        assertRejected(file, "model.safetensors: header length 18446744073709551615 exceeds the file size"
                + " (10 bytes); the file is truncated or not a safetensors file");
    }

    @Test
    void headerLengthAboveTheSanityLimit() throws IOException {
        Path file = header("{}", 0);
        long length = SafetensorsFile.MAX_HEADER_BYTES + 1;
        try (RandomAccessFile sparse = new RandomAccessFile(file.toFile(), "rw")) {
            sparse.setLength(8 + length); // sparse on common file systems: no real disk use
        }
        CorruptSafetensors.setHeaderLength(file, length);
        assertRejected(file, "model.safetensors: header length 104857601 exceeds the limit of 104857600 bytes");
    }

    @Test
    void headerThatIsNotJson() throws IOException {
        assertThatThrownBy(() -> SafetensorsFile.open(header("{\"a\": [1, 2", 0)))
                .isInstanceOf(SafetensorsException.class)
                .hasMessageStartingWith("model.safetensors: header is not valid JSON: ");
    }

    @Test
    void headerThatIsNotAnObject() throws IOException {
        assertRejected(header("[1, 2]", 0), "model.safetensors: header is not a JSON object");
    }

    @Test
    void trailingGarbageAfterTheHeaderObject() throws IOException {
        assertThatThrownBy(() -> SafetensorsFile.open(header("{} {}", 0)))
                .hasMessageStartingWith("model.safetensors: header is not valid JSON: ");
    }

    @Test
    void duplicateTensorNames() throws IOException {
        String t = "{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}";
        assertThatThrownBy(() -> SafetensorsFile.open(header("{\"w\":" + t + ",\"w\":" + t + "}", 4)))
                .isInstanceOf(SafetensorsException.class)
                .hasMessageContaining("header is not valid JSON")
                .hasMessageContaining("Duplicate field 'w'");
    }

    @Test
    void unsupportedDtype() throws IOException {
        assertRejected(header("{\"ids\":{\"dtype\":\"I64\",\"shape\":[2],\"data_offsets\":[0,16]}}", 16),
                "model.safetensors: tensor 'ids': unsupported dtype I64 (supported: F32, F16, BF16)");
    }

    @Test
    void missingFields() throws IOException {
        assertRejected(header("{\"w\":{\"shape\":[1],\"data_offsets\":[0,4]}}", 4),
                "model.safetensors: tensor 'w': missing \"dtype\"");
        assertRejected(header("{\"w\":{\"dtype\":\"F32\",\"data_offsets\":[0,4]}}", 4),
                "model.safetensors: tensor 'w': missing \"shape\" array");
        assertRejected(header("{\"w\":{\"dtype\":\"F32\",\"shape\":[1]}}", 4),
                "model.safetensors: tensor 'w': missing \"data_offsets\" array");
        assertRejected(header("{\"w\":[1]}", 4), "model.safetensors: tensor 'w': entry is not a JSON object");
    }

    @Test
    void malformedNumbers() throws IOException {
        assertRejected(header("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[-4,0]}}", 4),
                "model.safetensors: tensor 'w': \"data_offsets\" entry -4 is not a non-negative integer");
        assertRejected(header("{\"w\":{\"dtype\":\"F32\",\"shape\":[1.5],\"data_offsets\":[0,4]}}", 4),
                "model.safetensors: tensor 'w': \"shape\" entry 1.5 is not a non-negative integer");
        assertRejected(header("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4,8]}}", 8),
                "model.safetensors: tensor 'w': \"data_offsets\" must have 2 entries, found 3");
    }

    @Test
    void offsetsThatEndBeforeTheyBegin() throws IOException {
        assertRejected(header("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,4]}}", 8),
                "model.safetensors: tensor 'w': data_offsets [8, 4] end before they begin");
    }

    @Test
    void offsetsPastTheEndOfATruncatedFile() throws IOException {
        Path file = file();
        new SafetensorsWriter()
                .add("a", DType.F32, new long[] {4}, new float[4])
                .add("b", DType.F32, new long[] {4}, new float[4])
                .write(file);
        CorruptSafetensors.truncateBy(file, 6);
        assertRejected(file, "model.safetensors: tensor 'b': data_offsets [16, 32] extend past the end of the"
                + " data region (26 bytes); the file is truncated or the header is wrong");
    }

    @Test
    void bytesAfterTheLastTensor() throws IOException {
        assertRejected(header("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", 7),
                "model.safetensors: 3 unused bytes after the last tensor ('w' ends at data byte 4); the header length"
                        + " is wrong or bytes were appended to the file");
        assertRejected(header("{\"__metadata__\":{\"format\":\"pt\"}}", 2),
                "model.safetensors: 2 unused bytes after the header (the file has no tensors); the header length"
                        + " is wrong or bytes were appended to the file");
    }

    @Test
    void sizeThatDoesNotMatchTheShape() throws IOException {
        String name = "model.layers.0.mlp.up_proj.weight";
        assertRejected(header("{\"" + name + "\":{\"dtype\":\"F32\",\"shape\":[64,172],\"data_offsets\":[0,4096]}}",
                        4096),
                "model.safetensors: tensor 'model.layers.0.mlp.up_proj.weight': data_offsets [0, 4096] do not"
                        + " match shape [64, 172] of F32 (44032 bytes)");
    }

    @Test
    void shapeWhoseByteSizeOverflows() throws IOException {
        assertRejected(header("{\"w\":{\"dtype\":\"BF16\",\"shape\":[4294967296,4294967296],"
                        + "\"data_offsets\":[0,0]}}", 0),
                "model.safetensors: tensor 'w': shape [4294967296, 4294967296] of BF16 is too large");
    }

    @Test
    void overlappingTensors() throws IOException {
        assertRejected(header("{\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]},"
                        + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8,16]}}", 16),
                "model.safetensors: tensor 'b': data_offsets [8, 16] overlap tensor 'a' [0, 16]");
    }

    @Test
    void metadataMustBeStrings() throws IOException {
        assertRejected(header("{\"__metadata__\":{\"format\":1}}", 0),
                "model.safetensors: __metadata__ value of 'format' is not a string");
        assertRejected(header("{\"__metadata__\":[1]}", 0), "model.safetensors: __metadata__ is not a JSON object");
    }

    @Test
    void metadataOnlyFileIsValidAndEmpty() throws IOException {
        try (SafetensorsFile st = SafetensorsFile.open(header("{\"__metadata__\":{\"format\":\"pt\"}}", 0))) {
            assertThat(st.tensors()).isEmpty();
            assertThat(st.metadata()).containsEntry("format", "pt");
        }
    }

    @Test
    void unknownTensorAndClosedFile() throws IOException {
        new SafetensorsWriter().add("a", DType.F32, new long[] {1}, new float[] {1}).write(file());
        SafetensorsFile st = SafetensorsFile.open(file());
        assertThatThrownBy(() -> st.readFloats("b"))
                .isInstanceOf(SafetensorsException.class)
                .hasMessage("model.safetensors: tensor 'b': no such tensor in this file");
        st.close();
        assertThatThrownBy(() -> st.readFloats("a"))
                .isInstanceOf(SafetensorsException.class)
                .hasMessage("model.safetensors: tensor 'a': cannot read: the file is closed");
    }

    @Test
    void fileTruncatedAfterOpening() throws IOException {
        new SafetensorsWriter().add("a", DType.F32, new long[] {1024}, new float[1024]).write(file());
        try (SafetensorsFile st = SafetensorsFile.open(file())) {
            CorruptSafetensors.truncateBy(file(), 100);
            assertThatThrownBy(() -> st.readFloats("a"))
                    .isInstanceOf(SafetensorsException.class)
                    .hasMessageStartingWith("model.safetensors: tensor 'a': cannot read: ");
        }
    }

    @Test
    void writerRejectsInconsistentInput() {
        SafetensorsWriter writer = new SafetensorsWriter().add("a", DType.F32, new long[] {1}, new float[] {1});
        assertThatThrownBy(() -> writer.add("a", DType.F32, new long[] {1}, new float[] {1}))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("tensor 'a' added twice");
        assertThatThrownBy(() -> writer.add("b", DType.F32, new long[] {2, 2}, new float[3]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("shape [2, 2] has 4 elements but 3 values were given");
        assertThatThrownBy(() -> writer.add("__metadata__", DType.F32, new long[] {1}, new float[1]))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
