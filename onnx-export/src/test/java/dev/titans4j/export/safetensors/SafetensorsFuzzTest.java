package dev.titans4j.export.safetensors;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A written safetensors file truncated at every byte and with every byte flipped: opening it and reading every tensor
 * either works or fails with one {@link SafetensorsException}; nothing else escapes.
 */
class SafetensorsFuzzTest {

    @TempDir
    Path dir;

    private byte[] original() throws IOException {
        Path file = dir.resolve("original.safetensors");
        new SafetensorsWriter().metadata("format", "pt")
                .add("a.weight", DType.F32, new long[] {2, 3}, new float[] {1, 2, 3, 4, 5, 6})
                .add("b.bias", DType.F16, new long[] {3}, new float[] {0.5f, -1, 2})
                .add("c", DType.BF16, new long[] {1, 1, 2}, new float[] {1, -2})
                .write(file);
        return Files.readAllBytes(file);
    }

    private void openAndReadAll(Path file, byte[] bytes, String what) throws IOException {
        Files.write(file, bytes);
        try (SafetensorsFile st = SafetensorsFile.open(file, 8)) {
            for (String name : st.tensors().keySet()) {
                st.readFloats(name);
            }
        } catch (SafetensorsException expected) {
            // the one allowed failure
        } catch (Throwable t) {
            throw new AssertionError(what + ": " + t, t);
        }
    }

    @Test
    void every_truncation_and_every_damaged_byte_reads_or_fails_with_a_safetensors_exception() throws IOException {
        byte[] bytes = original();
        Path file = dir.resolve("fuzz.safetensors");
        for (int n = 0; n < bytes.length; n++) {
            openAndReadAll(file, Arrays.copyOf(bytes, n), "truncated at " + n);
        }
        int[] masks = {0x01, 0x02, 0x04, 0x08, 0x10, 0x20, 0x40, 0x80};
        for (int i = 0; i < bytes.length; i++) {
            for (int mask : new int[] {masks[i % masks.length], 0xff}) {
                byte[] damaged = bytes.clone();
                damaged[i] ^= (byte) mask;
                openAndReadAll(file, damaged, "byte " + i + " ^ " + mask);
            }
        }
    }
}
