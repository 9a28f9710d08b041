package dev.titans4j.bench.decode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The GGUF files the benchmark writes for llama.cpp: ggml's block encodings, the file layout, the rope permutation. */
class DecodeGgufFilesTest {

    /** -16 .. 15: the largest magnitude is -16, so Q4_0's scale is -16 / -8 = 2 and Q8_0's is 16 / 127. */
    private static float[] ramp() {
        float[] x = new float[32];
        for (int j = 0; j < 32; j++) {
            x[j] = j - 16;
        }
        return x;
    }

    @Test
    void q4BlocksHoldAnFp16ScaleThenNibblesOfValuesJAndJPlus16() {
        byte[] block = GgmlType.Q4_0.encode(ramp());
        assertThat(block).hasSize(18);
        assertThat(block[0]).isEqualTo((byte) 0x00); // fp16 2.0 = 0x4000, little-endian
        assertThat(block[1]).isEqualTo((byte) 0x40);
        // value j: (j-16)/2 + 8.5 truncated = floor(j/2 + 0.5); value j+16: floor(j/2 + 8.5), at most 15
        assertThat(block[2]).isEqualTo((byte) 0x80); // j = 0: 0 | 8 << 4
        assertThat(block[3]).isEqualTo((byte) 0x91); // j = 1: 1 | 9 << 4
        assertThat(block[17]).isEqualTo((byte) 0xF8); // j = 15: 8 | min(15, 16) << 4
    }

    @Test
    void q8BlocksHoldAnFp16ScaleThenValuesRoundedHalfAwayFromZero() {
        byte[] block = GgmlType.Q8_0.encode(ramp());
        assertThat(block).hasSize(34);
        short scale = ByteBuffer.wrap(block, 0, 2).order(ByteOrder.LITTLE_ENDIAN).getShort();
        assertThat(scale).isEqualTo(dev.titans4j.export.safetensors.HalfFloats.floatToHalf(16f / 127));
        assertThat(block[2]).isEqualTo((byte) -127); // -16 · 127/16
        assertThat(block[2 + 17]).isEqualTo((byte) 8); // 1 · 7.9375
        assertThat(block[2 + 31]).isEqualTo((byte) 119); // 15 · 7.9375 = 119.06

        float[] ties = new float[32];
        ties[0] = 127; // scale 1: the values are their own quants
        ties[1] = -2.5f;
        ties[2] = 2.5f;
        ties[3] = -0.5f;
        byte[] tied = GgmlType.Q8_0.encode(ties);
        // C's roundf: halves away from zero (Java's Math.round would give -2, 3, 0)
        assertThat(new byte[] {tied[3], tied[4], tied[5]}).containsExactly(-3, 3, -1);
    }

    @Test
    void typesRefuseRowsThatAreNotWholeBlocks() {
        assertThatThrownBy(() -> new GgufWriter().tensor("blk.0.ffn_up.weight", GgmlType.Q4_0, new long[] {4, 48},
                () -> new float[192])).hasMessage("blk.0.ffn_up.weight: rows of 48 values are not whole Q4_0 blocks"
                + " of 32");
    }

    @Test
    void fileHasTheGgufV3HeaderMetadataTensorInfosAndAlignedData(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("t.gguf");
        new GgufWriter().string("general.architecture", "llama").uint32("llama.block_count", 2)
                .strings("tokenizer.ggml.tokens", List.of("a", "bc"))
                .tensor("output_norm.weight", GgmlType.F32, new long[] {3}, () -> new float[] {1, 2, 3})
                .tensor("output.weight", GgmlType.F16, new long[] {2, 32}, () -> new float[64])
                .write(file);

        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(new String(new byte[] {b.get(), b.get(), b.get(), b.get()})).isEqualTo("GGUF");
        assertThat(b.getInt()).isEqualTo(3); // version
        assertThat(b.getLong()).isEqualTo(2); // tensors
        assertThat(b.getLong()).isEqualTo(3); // key-values
        assertThat(string(b)).isEqualTo("general.architecture");
        assertThat(b.getInt()).isEqualTo(8); // GGUF_TYPE_STRING
        assertThat(string(b)).isEqualTo("llama");
        assertThat(string(b)).isEqualTo("llama.block_count");
        assertThat(b.getInt()).isEqualTo(4); // UINT32
        assertThat(b.getInt()).isEqualTo(2);
        assertThat(string(b)).isEqualTo("tokenizer.ggml.tokens");
        assertThat(b.getInt()).isEqualTo(9); // ARRAY
        assertThat(b.getInt()).isEqualTo(8); // of STRING
        assertThat(b.getLong()).isEqualTo(2);
        assertThat(string(b)).isEqualTo("a");
        assertThat(string(b)).isEqualTo("bc");
        assertThat(string(b)).isEqualTo("output_norm.weight");
        assertThat(b.getInt()).isEqualTo(1);
        assertThat(b.getLong()).isEqualTo(3);
        assertThat(b.getInt()).isEqualTo(GgmlType.F32.id);
        assertThat(b.getLong()).isZero();
        assertThat(string(b)).isEqualTo("output.weight");
        assertThat(b.getInt()).isEqualTo(2);
        assertThat(b.getLong()).isEqualTo(32); // innermost dimension first
        assertThat(b.getLong()).isEqualTo(2);
        assertThat(b.getInt()).isEqualTo(GgmlType.F16.id);
        assertThat(b.getLong()).isEqualTo(32); // 12 bytes of F32, padded to the alignment
        int data = (b.position() + 31) / 32 * 32;
        assertThat(b.getFloat(data + 8)).isEqualTo(3f);
        assertThat(b.capacity()).isEqualTo(data + 32 + 128);
    }

    @Test
    void ropePermutationInterleavesEachHeadsHalves() {
        // 2 heads of 4 rows, 1 column: HF pairs rows (0,2), (1,3); llama.cpp wants them adjacent
        float[] rows = {0, 1, 2, 3, 10, 11, 12, 13};
        assertThat(GgufCheckpoint.permuteForRope(rows, 2, 4, 1)).containsExactly(0, 2, 1, 3, 10, 12, 11, 13);
    }

    @Test
    void bytesPerTokenCountEveryTensorButAnUntiedEmbeddingTable() {
        ModelShape a = ModelShape.A; // tied: the table is the head
        long norms = 4L * (30 * 2 * 576 + 576);
        assertThat(GgufCheckpoint.bytesPerToken(a, GgmlType.F32)).isEqualTo(4 * a.matmulParameters() + norms);
        assertThat(GgufCheckpoint.bytesPerToken(a, GgmlType.Q4_0))
                .isEqualTo(a.matmulParameters() / 32 * 18 + norms);
    }

    @Test
    void aMissingInstallIsNamedWithTheCommandThatInstallsIt(@TempDir Path dir) {
        assertThat(LlamaCppPeer.missing(dir)).contains("no node-llama-cpp under " + dir + " (npm install --prefix "
                + dir + " --ignore-scripts --omit=optional node-llama-cpp@3.22.1 @node-llama-cpp/linux-x64@3.22.1)");
    }

    private static String string(ByteBuffer b) {
        byte[] s = new byte[(int) b.getLong()];
        b.get(s);
        return new String(s, java.nio.charset.StandardCharsets.UTF_8);
    }
}
