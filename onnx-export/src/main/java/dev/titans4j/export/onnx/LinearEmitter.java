package dev.titans4j.export.onnx;

import dev.titans4j.export.manifest.ModelManifest.Precision;
import java.util.function.Supplier;

/**
 * Emits {@code y = x·Wᵀ} for a Hugging Face weight W [out, in] at the export precision: MatMul on the transposed
 * weight (fp32/fp16), or {@code MatMulNBits} on 4-bit blocks of the configured size (int4, CPU
 * {@code accuracy_level} 4). The weight is
 * read, transposed or quantised only when the writer streams it.
 */
final class LinearEmitter {

    private final Graph g;
    private final Precision precision;
    private final ElemType act;
    private final Int4Quantizer quantizer;

    LinearEmitter(Graph g, Precision precision, ElemType act, int int4BlockSize) {
        this.g = g;
        this.precision = precision;
        this.act = act;
        this.quantizer = new Int4Quantizer(int4BlockSize);
    }

    String apply(String x, String label, int out, int in, Supplier<float[]> weight) {
        if (precision == Precision.int4) {
            Memo<Int4Quantizer.Quantized> q = new Memo<>(() -> quantizer.quantize(weight.get(), out, in), 2);
            int blocks = quantizer.blocks(in);
            String packed = g.initializer(label + ".qweight", ElemType.UINT8,
                    new long[] {out, blocks, quantizer.blockSize() / 2},
                    TensorData.lazy(quantizer.packedBytes(out, in), () -> TensorData.ofBytes(q.get().packed())));
            String scales = g.initializer(label + ".scales", ElemType.FLOAT, new long[] {out, blocks},
                    TensorData.lazy(4L * out * blocks, () -> TensorData.ofFloats(q.get().scales())));
            return g.msOp("MatMulNBits").name(label).in(x, packed, scales)
                    .attr("K", (long) in).attr("N", (long) out).attr("bits", (long) Int4Quantizer.BITS)
                    .attr("block_size", (long) quantizer.blockSize()).attr("accuracy_level", 4L).build();
        }
        return matMul(x, label, transposedWeight(label, out, in, weight));
    }

    /** Whether weights are stored as plain float matrices (so one stored matrix can serve two ops). */
    boolean storesFloatMatrices() {
        return precision != Precision.int4;
    }

    /** The initializer Wᵀ [in, out] in the activation type (not for int4). */
    String transposedWeight(String label, int out, int in, Supplier<float[]> weight) {
        return g.initializer(label + ".weight_t", act, new long[] {in, out},
                activationData(act, (long) in * out, () -> transpose(weight.get(), out, in)));
    }

    String matMul(String x, String label, String transposedWeight) {
        return g.op("MatMul").in(x, transposedWeight).name(label).build();
    }

    /** Values stored in the activation type (float32, or float16 for the fp16 graph), computed lazily. */
    static TensorData activationData(ElemType act, long elements, Supplier<float[]> values) {
        long bytes = elements * act.bytes();
        return TensorData.lazy(bytes, () -> act == ElemType.FLOAT16 ? TensorData.ofFloat16(values.get())
                : TensorData.ofFloats(values.get()));
    }

    static float[] transpose(float[] w, int rows, int cols) {
        float[] t = new float[w.length];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                t[c * rows + r] = w[r * cols + c];
            }
        }
        return t;
    }

    /** A value computed on first use and dropped after {@code uses} reads, so big intermediates do not pile up. */
    private static final class Memo<T> {
        private final Supplier<T> supplier;
        private int remaining;
        private T value;

        Memo(Supplier<T> supplier, int uses) {
            this.supplier = supplier;
            this.remaining = uses;
        }

        synchronized T get() {
            T v = value != null ? value : supplier.get();
            value = --remaining > 0 ? v : null;
            return v;
        }
    }
}
