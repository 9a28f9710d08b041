package dev.titans4j.bench.decode;

import java.util.List;
import java.util.Locale;

/**
 * A decoder shape to benchmark on random weights.
 *
 * @param name          short name used in tables and folder names
 * @param architecture  Hugging Face architecture ({@code LlamaForCausalLM}, {@code Qwen2ForCausalLM}: q/k/v biases)
 */
public record ModelShape(String name, String architecture, int hidden, int intermediate, int layers, int heads,
                         int kvHeads, int vocab, boolean tied, double ropeTheta) {

    static final String LLAMA = "LlamaForCausalLM";
    static final String QWEN2 = "Qwen2ForCausalLM";

    /** Like SmolLM2-135M. */
    public static final ModelShape A = new ModelShape("A", LLAMA, 576, 1536, 30, 9, 3, 49152, true, 100000);
    /** Like Qwen2.5-0.5B with a 32000-token vocabulary. */
    public static final ModelShape B = new ModelShape("B", QWEN2, 896, 4864, 24, 14, 2, 32000, false, 1000000);
    /** Smoke-test shapes: seconds to export and run. */
    public static final ModelShape TINY_A = new ModelShape("tinyA", LLAMA, 64, 160, 2, 4, 2, 512, true, 10000);
    public static final ModelShape TINY_B = new ModelShape("tinyB", QWEN2, 64, 160, 2, 4, 2, 512, false, 10000);

    static final List<ModelShape> ALL = List.of(A, B, TINY_A, TINY_B);

    public static ModelShape named(String name) {
        return ALL.stream().filter(s -> s.name.equalsIgnoreCase(name)).findFirst().orElseThrow(
                () -> new IllegalArgumentException("unknown shape '" + name + "' (A, B, tinyA, tinyB)"));
    }

    public int headDim() {
        return hidden / heads;
    }

    /** Weights of the matrix multiplications one decoded token runs through (layers and LM head). */
    public long matmulParameters() {
        long q = (long) heads * headDim();
        long kv = (long) kvHeads * headDim();
        long perLayer = hidden * q + 2 * hidden * kv + q * hidden + 3L * hidden * intermediate;
        return layers * perLayer + (long) vocab * hidden;
    }

    /** Bytes of the fp32 embedding table. */
    public long embeddingBytes() {
        return 4L * vocab * hidden;
    }

    public String describe() {
        return String.format(Locale.ROOT, "%s: %s hidden %d, inter %d, %d layers, %d/%d heads, vocab %d, %s, %.1fM"
                + " matmul params", name, architecture, hidden, intermediate, layers, heads, kvHeads, vocab,
                tied ? "tied" : "untied", matmulParameters() / 1e6);
    }
}
