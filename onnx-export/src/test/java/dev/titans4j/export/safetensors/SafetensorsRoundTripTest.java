package dev.titans4j.export.safetensors;

import static org.assertj.core.api.Assertions.assertThat;

import dev.titans4j.export.testing.SharedData;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsRoundTripTest {

    @TempDir
    Path dir;

    @Test
    void writesAndReadsEveryDtype() throws IOException {
        float[] values = {0.1f, -2.5f, 65504f, 1e-7f, 3.14159f, 1e5f};
        Path file = dir.resolve("t.safetensors");
        new SafetensorsWriter()
                .metadata("format", "pt")
                .add("a.f32", DType.F32, new long[] {2, 3}, values)
                .add("b.f16", DType.F16, new long[] {6}, values)
                .add("c.bf16", DType.BF16, new long[] {3, 2}, values)
                .write(file);

        try (SafetensorsFile st = SafetensorsFile.open(file)) {
            assertThat(st.tensors().keySet()).containsExactly("a.f32", "b.f16", "c.bf16");
            assertThat(st.metadata()).containsExactly(Map.entry("format", "pt"));
            assertThat(st.info("a.f32")).isEqualTo(new TensorInfo("a.f32", DType.F32, new long[] {2, 3}, 0, 24));
            assertThat(st.info("b.f16")).isEqualTo(new TensorInfo("b.f16", DType.F16, new long[] {6}, 24, 36));
            assertThat(st.info("c.bf16").elementCount()).isEqualTo(6);

            assertThat(st.readFloats("a.f32")).containsExactly(values);
            // f16: 0.1 -> 0x2e66, 65504 is the largest half, 1e-7 becomes the subnormal 2 * 2^-24, 1e5 overflows
            assertThat(st.readFloats("b.f16")).containsExactly(0.0999755859375f, -2.5f, 65504f, 0x1p-23f,
                    3.140625f, Float.POSITIVE_INFINITY);
            // bf16 keeps the float32 range with 8 significant bits
            assertThat(st.readFloats("c.bf16")).containsExactly(0.10009765625f, -2.5f, 65536f, Float.intBitsToFloat(0x33d70000),
                    3.140625f, 99840f);
        }
    }

    @Test
    void headerIsPaddedWithSpacesToAMultipleOfEight() throws IOException {
        Path file = dir.resolve("t.safetensors");
        new SafetensorsWriter().add("x", DType.F32, new long[] {1}, new float[] {1}).write(file);
        byte[] bytes = Files.readAllBytes(file);
        long headerLength = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong();
        String header = new String(bytes, 8, (int) headerLength, StandardCharsets.UTF_8);

        assertThat(headerLength % 8).isZero();
        assertThat(header).startsWith("{\"x\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}");
        assertThat(header.strip()).hasSizeLessThanOrEqualTo(header.length());
        assertThat(bytes).hasSize(8 + (int) headerLength + 4);
        assertThat(Files.list(dir)).as("no temporary file is left behind").containsExactly(file);
    }

    @Test
    void scalarsAndEmptyTensorsAreAllowed() throws IOException {
        Path file = dir.resolve("t.safetensors");
        new SafetensorsWriter()
                .add("scalar", DType.F32, new long[] {}, new float[] {7})
                .add("empty", DType.F16, new long[] {0, 3}, new float[0])
                .add("after", DType.BF16, new long[] {2}, new float[] {1, 2})
                .write(file);
        try (SafetensorsFile st = SafetensorsFile.open(file)) {
            assertThat(st.readFloats("scalar")).containsExactly(7f);
            assertThat(st.readFloats("empty")).isEmpty();
            assertThat(st.readFloats("after")).containsExactly(1f, 2f);
            assertThat(st.info("scalar").rank()).isZero();
        }
    }

    /** Tensors larger than the mapping window are read through several windows; the seams must be invisible. */
    @Test
    void readsAcrossMappingWindows() throws IOException {
        Random random = new Random(1);
        float[] values = new float[1001];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) random.nextGaussian();
        }
        Path file = dir.resolve("t.safetensors");
        new SafetensorsWriter()
                .add("odd", DType.F16, new long[] {1}, new float[] {1})
                .add("f32", DType.F32, new long[] {1001}, values)
                .add("f16", DType.F16, new long[] {7, 143}, values)
                .add("bf16", DType.BF16, new long[] {1001}, values)
                .write(file);
        try (SafetensorsFile whole = SafetensorsFile.open(file);
                SafetensorsFile windowed = SafetensorsFile.open(file, 12)) {
            for (String name : whole.tensors().keySet()) {
                assertThat(windowed.readFloats(name)).as(name).containsExactly(whole.readFloats(name));
            }
            assertThat(windowed.readFloats("f32")).containsExactly(values);
        }
    }

    /** A file written by the Python safetensors library (the stories260K conversion) reads as expected. */
    @Test
    void readsAFileWrittenByThePythonLibrary() throws IOException {
        Path model = SharedData.require("models/stories260K");
        try (SafetensorsFile st = SafetensorsFile.open(model.resolve("model.safetensors"))) {
            assertThat(st.tensors()).hasSize(2 + 5 * 9);
            assertThat(st.info("model.embed_tokens.weight").shape()).containsExactly(512, 64);
            assertThat(st.info("model.layers.0.self_attn.k_proj.weight").shape()).containsExactly(32, 64);
            assertThat(st.info("model.layers.4.mlp.down_proj.weight").shape()).containsExactly(64, 172);
            float[] norm = st.readFloats("model.norm.weight");
            assertThat(norm).hasSize(64);
            for (float v : norm) {
                assertThat(v).isFinite().isNotZero();
            }
        }
    }

    @Test
    void staticWriteKeepsMapOrder() throws IOException {
        Path file = dir.resolve("t.safetensors");
        Map<String, TensorData> tensors = new java.util.LinkedHashMap<>();
        tensors.put("z", new TensorData(DType.F32, new long[] {1}, new float[] {1}));
        tensors.put("a", new TensorData(DType.F32, new long[] {1}, new float[] {2}));
        SafetensorsWriter.write(file, tensors, Map.of());
        try (SafetensorsFile st = SafetensorsFile.open(file)) {
            assertThat(st.tensors().keySet()).containsExactly("z", "a");
            assertThat(st.metadata()).isEmpty();
            assertThat(st.readFloats("a")).containsExactly(2f);
        }
    }
}
