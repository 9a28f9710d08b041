package dev.titans4j.t2.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnxruntime.OrtEnvironment;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The external-initializer list is read from model.onnx by our own protobuf reader before ONNX Runtime sees the
 * file. A damaged model.onnx (truncated at every byte, every byte flipped) or one whose entries point outside the
 * data file or the model folder must fail with one IllegalArgumentException (or an I/O error) naming model.onnx,
 * never a raw IndexOutOfBounds, BufferUnderflow, NumberFormat, NegativeArraySize or a 2 GB allocation.
 */
class ExternalInitializersFuzzTest {

    private static final OrtEnvironment ENV = OrtEnvironment.getEnvironment();

    @TempDir
    Path folder;

    /** ModelProto { graph { initializer x: float [2, 3] at 0; initializer y: int64 [2] at 24 } }. */
    private static byte[] model(String location, String offsetY, String lengthY) {
        byte[] x = tensor("x", new long[] {2, 3}, 1, location, "0", "24");
        byte[] y = tensor("y", new long[] {2}, 7, location, offsetY, lengthY);
        ByteArrayOutputStream graph = new ByteArrayOutputStream();
        field(graph, 1, "name-of-graph".getBytes(StandardCharsets.UTF_8)); // a field the reader skips
        field(graph, 5, x);
        field(graph, 5, y);
        ByteArrayOutputStream model = new ByteArrayOutputStream();
        varint(model, 1 << 3); // ir_version, skipped
        varint(model, 8);
        field(model, 7, graph.toByteArray());
        return model.toByteArray();
    }

    private static byte[] tensor(String name, long[] dims, int type, String location, String offset, String length) {
        ByteArrayOutputStream t = new ByteArrayOutputStream();
        for (long d : dims) {
            varint(t, 1 << 3);
            varint(t, d);
        }
        varint(t, 2 << 3);
        varint(t, type);
        field(t, 8, name.getBytes(StandardCharsets.UTF_8));
        field(t, 13, entry("location", location));
        field(t, 13, entry("offset", offset));
        field(t, 13, entry("length", length));
        varint(t, 14 << 3);
        varint(t, 1);
        return t.toByteArray();
    }

    private static byte[] entry(String key, String value) {
        ByteArrayOutputStream kv = new ByteArrayOutputStream();
        field(kv, 1, key.getBytes(StandardCharsets.UTF_8));
        field(kv, 2, value.getBytes(StandardCharsets.UTF_8));
        return kv.toByteArray();
    }

    private static void field(ByteArrayOutputStream out, int number, byte[] bytes) {
        varint(out, number << 3 | 2);
        varint(out, bytes.length);
        out.writeBytes(bytes);
    }

    private static void varint(ByteArrayOutputStream out, long v) {
        while ((v & ~0x7fL) != 0) {
            out.write((int) (v & 0x7f) | 0x80);
            v >>>= 7;
        }
        out.write((int) v);
    }

    private Path modelFile() throws IOException {
        Files.write(folder.resolve("model.onnx.data"), new byte[40]);
        return folder.resolve("model.onnx");
    }

    private void load(Path modelFile, byte[] bytes, String what) {
        try (ExternalInitializers loaded = ExternalInitializers.load(ENV, ByteBuffer.wrap(bytes), modelFile)) {
            assertThat(loaded.size()).isLessThanOrEqualTo(2);
        } catch (IOException | UncheckedIOException | EngineException expected) {
            // a file that cannot be read, or ONNX Runtime refusing a tensor: messages of their own
        } catch (IllegalArgumentException e) {
            assertThat(e.getClass()).as(what + ": " + e).isEqualTo(IllegalArgumentException.class);
            assertThat(e.getMessage()).as(what).contains(modelFile.toString());
        } catch (Throwable t) {
            throw new AssertionError(what + ": " + t, t);
        }
    }

    @Test
    void the_fixture_loads() throws Exception {
        Path modelFile = modelFile();
        try (ExternalInitializers loaded = ExternalInitializers.load(ENV,
                ByteBuffer.wrap(model("model.onnx.data", "24", "16")), modelFile)) {
            assertThat(loaded.size()).isEqualTo(2);
        }
    }

    /** ONNX locations are relative to the model file's folder and may name a sub-folder of it. */
    @Test
    void data_in_a_sub_folder_of_the_models_folder_loads() throws Exception {
        Files.write(Files.createDirectories(folder.resolve("weights")).resolve("model.onnx.data"), new byte[40]);
        try (ExternalInitializers loaded = ExternalInitializers.load(ENV,
                ByteBuffer.wrap(model("weights/model.onnx.data", "24", "16")), folder.resolve("model.onnx"))) {
            assertThat(loaded.size()).isEqualTo(2);
        }
    }

    @Test
    void a_model_truncated_or_damaged_at_any_byte_fails_naming_the_file() throws Exception {
        Path modelFile = modelFile();
        byte[] bytes = model("model.onnx.data", "24", "16");
        for (int n = 0; n < bytes.length; n++) {
            load(modelFile, Arrays.copyOf(bytes, n), "truncated at " + n);
        }
        int[] masks = {0x01, 0x80, 0xff, 0x10};
        for (int i = 0; i < bytes.length; i++) {
            for (int mask : masks) {
                byte[] damaged = bytes.clone();
                damaged[i] ^= (byte) mask;
                load(modelFile, damaged, "byte " + i + " ^ " + mask);
            }
        }
    }

    @Test
    void entries_outside_the_data_file_or_the_folder_are_refused_before_reading() throws Exception {
        Path modelFile = modelFile();
        Files.write(folder.resolve("outside.data"), new byte[40]);
        for (String[] bad : new String[][] {{"model.onnx.data", "-8", "16", "offset"},
            {"model.onnx.data", "24", "2000000000", "beyond"}, {"model.onnx.data", "24", "sixteen", "length"},
            {"../" + folder.getFileName() + "/outside.data", "24", "16", "not a file name"},
            {"weights/../../" + folder.getFileName() + "/outside.data", "24", "16", "not a file name"},
            {folder.resolve("outside.data").toString(), "24", "16", "not a file name"}}) {
            assertThatThrownBy(() -> ExternalInitializers.load(ENV, ByteBuffer.wrap(model(bad[0], bad[1], bad[2])),
                    modelFile)).as(Arrays.toString(bad)).isExactlyInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(modelFile.toString()).hasMessageContaining(bad[3]);
        }
    }
}
