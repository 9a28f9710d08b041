package dev.titans4j.t2.svf.torch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Damaged {@code data.pkl} in a real {@code torch.save} file (truncated at every byte, every byte flipped, huge and
 * negative lengths and shapes): the reader either returns tensors or fails with one IllegalArgumentException that
 * names the file, never a raw IndexOutOfBounds, ClassCast, NegativeArraySize or OutOfMemoryError.
 */
class TorchCheckpointFuzzTest {

    @TempDir
    Path dir;

    /** The entries of the real fixture, data.pkl last so the pickle can be replaced. */
    private static Map<String, byte[]> fixture() throws Exception {
        Path pt = Path.of(TorchCheckpointFuzzTest.class.getResource("/sakana/policy_params.pt").toURI());
        Map<String, byte[]> entries = new LinkedHashMap<>();
        try (ZipFile zip = new ZipFile(pt.toFile())) {
            for (ZipEntry e : zip.stream().toList()) {
                try (InputStream in = zip.getInputStream(e)) {
                    entries.put(e.getName(), in.readAllBytes());
                }
            }
        }
        return entries;
    }

    private static void write(Path file, Map<String, byte[]> entries) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            zip.setLevel(0);
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                zip.putNextEntry(new ZipEntry(e.getKey()));
                zip.write(e.getValue());
                zip.closeEntry();
            }
        }
        Files.write(file, bytes.toByteArray());
    }

    /** Reads {@code pickle} as the fixture's data.pkl; returns the failure, if any, after checking its kind. */
    private void readWithPickle(Map<String, byte[]> entries, String pklName, byte[] pickle, String what)
            throws IOException {
        Map<String, byte[]> copy = new LinkedHashMap<>(entries);
        copy.put(pklName, pickle);
        Path file = dir.resolve("fuzz.pt");
        write(file, copy);
        try {
            TorchCheckpoint.readTensors(file);
        } catch (IllegalArgumentException e) {
            assertThat(e.getMessage()).as(what).contains(file.toString());
        } catch (Throwable t) {
            throw new AssertionError(what + ": " + t, t);
        }
    }

    private static String pklName(Map<String, byte[]> entries) {
        return entries.keySet().stream().filter(n -> n.endsWith("/data.pkl")).findFirst().orElseThrow();
    }

    @Test
    void a_pickle_truncated_at_any_byte_fails_naming_the_file() throws Exception {
        Map<String, byte[]> entries = fixture();
        String pkl = pklName(entries);
        byte[] pickle = entries.get(pkl);
        for (int n = 0; n < pickle.length; n++) {
            readWithPickle(entries, pkl, Arrays.copyOf(pickle, n), "truncated at " + n);
        }
    }

    @Test
    void a_pickle_with_any_byte_damaged_fails_naming_the_file_or_reads() throws Exception {
        Map<String, byte[]> entries = fixture();
        String pkl = pklName(entries);
        byte[] pickle = entries.get(pkl);
        int[] masks = {0x01, 0x80, 0xff};
        for (int i = 0; i < pickle.length; i++) {
            byte[] damaged = pickle.clone();
            damaged[i] ^= (byte) masks[i % masks.length];
            readWithPickle(entries, pkl, damaged, "byte " + i + " ^ " + masks[i % masks.length]);
        }
    }

    /** Opcodes with a 4-byte length (BINUNICODE, BINSTRING) declaring far more bytes than the file holds. */
    @Test
    void a_string_length_beyond_the_pickle_fails_without_allocating_it() throws Exception {
        Map<String, byte[]> entries = fixture();
        String pkl = pklName(entries);
        for (int length : new int[] {Integer.MAX_VALUE, -1, Integer.MIN_VALUE}) {
            for (byte op : new byte[] {'X', 'T'}) {
                byte[] pickle = {(byte) 0x80, 2, op, (byte) length, (byte) (length >> 8), (byte) (length >> 16),
                    (byte) (length >> 24), '.'};
                readWithPickle(entries, pkl, pickle, "length " + length);
                Path file = dir.resolve("fuzz.pt");
                assertThatThrownBy(() -> TorchCheckpoint.readTensors(file))
                        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("truncated");
            }
        }
    }

    /** {L: 1} where the list L contains itself: hashing the key would recurse until the stack overflows. */
    @Test
    void a_self_containing_dict_key_fails_with_the_reason() throws Exception {
        Map<String, byte[]> entries = fixture();
        byte[] pickle = {(byte) 0x80, 2, '}', ']', 'q', 0, 'h', 0, 'a', 'K', 1, 's', '.'};
        readWithPickle(entries, pklName(entries), pickle, "self-containing key");
        assertThatThrownBy(() -> TorchCheckpoint.readTensors(dir.resolve("fuzz.pt")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("dict key of type ArrayList");
    }

    /** A tensor whose shape is negative or whose element count overflows. */
    @Test
    void impossible_tensor_shapes_fail_with_the_reason() throws Exception {
        Map<String, byte[]> entries = fixture();
        String pkl = pklName(entries);
        Map<long[], String> reasons = new LinkedHashMap<>();
        reasons.put(new long[] {-1}, "entries >= 0");
        reasons.put(new long[] {4, -8}, "entries >= 0");
        reasons.put(new long[] {1L << 40}, "tensor t has shape");
        reasons.put(new long[] {1L << 31, 1L << 31, 4}, "more elements than a Java array holds");
        for (Map.Entry<long[], String> c : reasons.entrySet()) {
            readWithPickle(entries, pkl, tensorPickle(c.getKey()), "size " + Arrays.toString(c.getKey()));
            Path file = dir.resolve("fuzz.pt");
            assertThatThrownBy(() -> TorchCheckpoint.readTensors(file)).as(Arrays.toString(c.getKey()))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(c.getValue());
        }
    }

    /** {'t': _rebuild_tensor_v2(('storage', torch.FloatStorage, '0', 'cpu', 16), 0, size, stride)}. */
    private static byte[] tensorPickle(long[] size) {
        List<Byte> b = new ArrayList<>();
        add(b, 0x80, 2, '}', 'X');
        int32(b, 1);
        add(b, 't');
        add(b, 'c');
        ascii(b, "torch._utils\n_rebuild_tensor_v2\n");
        add(b, '(', '(', 'X');
        int32(b, 7);
        ascii(b, "storage");
        add(b, 'c');
        ascii(b, "torch\nFloatStorage\n");
        add(b, 'X');
        int32(b, 1);
        ascii(b, "0");
        add(b, 'X');
        int32(b, 3);
        ascii(b, "cpu");
        add(b, 'K', 16, 't', 'Q', 'K', 0);
        add(b, '(');
        for (long s : size) {
            long1(b, s);
        }
        add(b, 't', '(');
        long stride = 1;
        long[] strides = new long[size.length];
        for (int i = size.length - 1; i >= 0; i--) {
            strides[i] = stride;
            stride *= size[i];
        }
        for (long s : strides) {
            long1(b, s);
        }
        add(b, 't', 't', 'R', 's', '.');
        byte[] out = new byte[b.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = b.get(i);
        }
        return out;
    }

    private static void add(List<Byte> b, int... values) {
        for (int v : values) {
            b.add((byte) v);
        }
    }

    private static void int32(List<Byte> b, int v) {
        add(b, v, v >> 8, v >> 16, v >> 24);
    }

    private static void ascii(List<Byte> b, String s) {
        for (char c : s.toCharArray()) {
            b.add((byte) c);
        }
    }

    private static void long1(List<Byte> b, long v) {
        add(b, 0x8a, 8);
        for (int i = 0; i < 8; i++) {
            b.add((byte) (v >> (8 * i)));
        }
    }
}
