package dev.titans4j.bench.decode;

import dev.titans4j.export.safetensors.Checkpoint;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Converts a {@link RandomCheckpoint} folder into a GGUF file llama.cpp loads, as its {@code convert_hf_to_gguf.py}
 * would (then {@code llama-quantize --pure} for Q8_0 / Q4_0): shape A as architecture {@code llama}, whose q/k
 * projection rows are permuted for llama.cpp's interleaved rope (the converter's {@code LlamaModel.permute}), shape
 * B as {@code qwen2} (q/k/v biases, NeoX rope: no permutation). Every matrix, the embedding table included, gets the
 * file's type; norms and biases stay F32. The vocabulary is a placeholder of the model's size (llama.cpp needs one
 * to load a model; the benchmark feeds token ids): SentencePiece-style {@code <unk>}, {@code <s>}, {@code </s>},
 * the 256 byte tokens, then {@code t259}, {@code t260}, ...
 */
final class GgufCheckpoint {

    private GgufCheckpoint() {
    }

    /** {@code DIR/model-q4_0.gguf} etc.: written from the checkpoint unless it already exists. */
    static Path ensure(ModelShape shape, Path hf, Path dir, GgmlType type) throws IOException {
        Path file = dir.resolve(fileName(type));
        if (!Files.isRegularFile(file)) {
            Files.createDirectories(dir);
            try (Checkpoint checkpoint = Checkpoint.open(hf)) {
                writer(shape, checkpoint, type).write(file);
            }
        }
        return file;
    }

    static String fileName(GgmlType type) {
        return "model-" + type.name().toLowerCase(Locale.ROOT) + ".gguf";
    }

    /** Bytes of weights one decoded token reads: every tensor but an embedding table that only a lookup reads. */
    static long bytesPerToken(ModelShape shape, GgmlType type) {
        long matrices = shape.matmulParameters() - (long) shape.vocab() * shape.hidden(); // all but the head
        long vectors = (long) shape.layers() * 2 * shape.hidden() + shape.hidden(); // norms
        if (shape.architecture().equals(ModelShape.QWEN2)) {
            vectors += (long) shape.layers() * (shape.heads() + 2L * shape.kvHeads()) * shape.headDim(); // biases
        }
        return type.bytes(matrices + (long) shape.vocab() * shape.hidden()) + 4 * vectors;
    }

    static String architecture(ModelShape shape) {
        return shape.architecture().equals(ModelShape.QWEN2) ? "qwen2" : "llama";
    }

    static GgufWriter writer(ModelShape shape, Checkpoint hf, GgmlType type) {
        String arch = architecture(shape);
        boolean permute = arch.equals("llama"); // Qwen2 is NeoX-roped in llama.cpp, as in Hugging Face
        GgufWriter gguf = new GgufWriter()
                .string("general.architecture", arch)
                .string("general.name", "titans4j random " + shape.name())
                .uint32("general.file_type", fileType(type))
                .uint32(arch + ".context_length", 2048)
                .uint32(arch + ".embedding_length", shape.hidden())
                .uint32(arch + ".block_count", shape.layers())
                .uint32(arch + ".feed_forward_length", shape.intermediate())
                .uint32(arch + ".attention.head_count", shape.heads())
                .uint32(arch + ".attention.head_count_kv", shape.kvHeads())
                .uint32(arch + ".rope.dimension_count", shape.headDim())
                .float32(arch + ".rope.freq_base", shape.ropeTheta())
                .float32(arch + ".attention.layer_norm_rms_epsilon", 1e-5)
                .uint32(arch + ".vocab_size", shape.vocab());
        vocabulary(gguf, shape.vocab());
        matrix(gguf, hf, "token_embd.weight", "model.embed_tokens.weight", type, shape, 0);
        for (int i = 0; i < shape.layers(); i++) {
            String p = "model.layers." + i + ".";
            String b = "blk." + i + ".";
            vector(gguf, hf, b + "attn_norm.weight", p + "input_layernorm.weight");
            matrix(gguf, hf, b + "attn_q.weight", p + "self_attn.q_proj.weight", type, shape,
                    permute ? shape.heads() : 0);
            matrix(gguf, hf, b + "attn_k.weight", p + "self_attn.k_proj.weight", type, shape,
                    permute ? shape.kvHeads() : 0);
            matrix(gguf, hf, b + "attn_v.weight", p + "self_attn.v_proj.weight", type, shape, 0);
            if (hf.has(p + "self_attn.q_proj.bias")) {
                if (permute) {
                    throw new IllegalArgumentException("llama-architecture biases are not supported: " + p);
                }
                vector(gguf, hf, b + "attn_q.bias", p + "self_attn.q_proj.bias");
                vector(gguf, hf, b + "attn_k.bias", p + "self_attn.k_proj.bias");
                vector(gguf, hf, b + "attn_v.bias", p + "self_attn.v_proj.bias");
            }
            matrix(gguf, hf, b + "attn_output.weight", p + "self_attn.o_proj.weight", type, shape, 0);
            vector(gguf, hf, b + "ffn_norm.weight", p + "post_attention_layernorm.weight");
            matrix(gguf, hf, b + "ffn_gate.weight", p + "mlp.gate_proj.weight", type, shape, 0);
            matrix(gguf, hf, b + "ffn_up.weight", p + "mlp.up_proj.weight", type, shape, 0);
            matrix(gguf, hf, b + "ffn_down.weight", p + "mlp.down_proj.weight", type, shape, 0);
        }
        vector(gguf, hf, "output_norm.weight", "model.norm.weight");
        if (hf.has("lm_head.weight")) { // tied models have none: llama.cpp then reads token_embd as the head
            matrix(gguf, hf, "output.weight", "lm_head.weight", type, shape, 0);
        }
        return gguf;
    }

    /** llama.cpp's {@code llama_ftype} of a file whose matrices all have {@code type}. */
    private static int fileType(GgmlType type) {
        return switch (type) {
            case F32 -> 0;
            case F16 -> 1;
            case Q4_0 -> 2;
            case Q8_0 -> 7;
        };
    }

    private static void vocabulary(GgufWriter gguf, int size) {
        if (size < 259) {
            throw new IllegalArgumentException("a vocabulary of " + size + " cannot hold the 259 SentencePiece"
                    + " special and byte tokens llama.cpp's tokenizer needs");
        }
        List<String> tokens = new ArrayList<>(size);
        int[] types = new int[size];
        tokens.addAll(List.of("<unk>", "<s>", "</s>"));
        types[0] = 2; // UNKNOWN
        types[1] = 3; // CONTROL
        types[2] = 3;
        for (int b = 0; b < 256; b++) {
            tokens.add(String.format(Locale.ROOT, "<0x%02X>", b));
            types[3 + b] = 6; // BYTE
        }
        for (int i = tokens.size(); i < size; i++) {
            tokens.add("t" + i);
            types[i] = 1; // NORMAL
        }
        gguf.string("tokenizer.ggml.model", "llama").strings("tokenizer.ggml.tokens", tokens)
                .floats("tokenizer.ggml.scores", new float[size]).int32s("tokenizer.ggml.token_type", types)
                .uint32("tokenizer.ggml.unknown_token_id", 0).uint32("tokenizer.ggml.bos_token_id", 1)
                .uint32("tokenizer.ggml.eos_token_id", 2).bool("tokenizer.ggml.add_bos_token", false);
    }

    private static void vector(GgufWriter gguf, Checkpoint hf, String name, String hfName) {
        gguf.tensor(name, GgmlType.F32, hf.info(hfName).shape(), () -> hf.floats(hfName));
    }

    /** {@code ropeHeads} > 0: rows permuted for llama.cpp's rope layout, heads of {@code shape.headDim()} rows. */
    private static void matrix(GgufWriter gguf, Checkpoint hf, String name, String hfName, GgmlType type,
                               ModelShape shape, int ropeHeads) {
        long[] hfShape = hf.info(hfName).shape();
        gguf.tensor(name, type, hfShape, () -> {
            float[] w = hf.floats(hfName);
            return ropeHeads > 0 ? permuteForRope(w, ropeHeads, shape.headDim(), (int) hfShape[1]) : w;
        });
    }

    /**
     * {@code convert_hf_to_gguf.py}'s {@code LlamaModel.permute}: within each head, row {@code j·d/2 + i} (HF's
     * rotate-half pairs i and i + d/2) moves to row {@code 2i + j} (llama.cpp's adjacent pairs).
     */
    static float[] permuteForRope(float[] w, int heads, int headDim, int cols) {
        float[] out = new float[w.length];
        int half = headDim / 2;
        for (int h = 0; h < heads; h++) {
            for (int i = 0; i < half; i++) {
                for (int j = 0; j < 2; j++) {
                    int from = h * headDim + j * half + i;
                    int to = h * headDim + 2 * i + j;
                    System.arraycopy(w, from * cols, out, to * cols, cols);
                }
            }
        }
        return out;
    }
}
