package dev.titans4j.export;

import dev.titans4j.export.manifest.ModelManifest.Precision;
import dev.titans4j.export.onnx.Int4Quantizer;
import dev.titans4j.export.onnx.SvfForm;
import java.util.Objects;

/**
 * How to export: weight precision (and the int4 block size), the Transformer² hook (on by default, factorised
 * form), external weight data (forced anyway when the model would exceed protobuf's 2 GB limit) and whether a
 * non-empty output folder may be overwritten.
 */
public final class ExportOptions {

    private final Precision precision;
    private final int int4BlockSize;
    private final SvfForm svfForm;
    private final boolean externalData;
    private final boolean force;
    private final boolean plainCompanion;

    private ExportOptions(Builder b) {
        this.precision = b.precision;
        if (b.int4BlockSize != null && precision != Precision.int4) {
            throw new IllegalArgumentException("an int4 block size (" + b.int4BlockSize
                    + ") only applies to precision int4, not " + precision);
        }
        this.int4BlockSize = b.int4BlockSize != null ? b.int4BlockSize : Int4Quantizer.DEFAULT_BLOCK_SIZE;
        this.svfForm = b.svf ? b.svfForm : null;
        if (b.plainCompanion != null && !b.svf) {
            throw new IllegalArgumentException("the plain companion setting only applies with the Transformer² hook"
                    + " on; without it model.onnx is already the plain graph");
        }
        this.plainCompanion = b.svf && (b.plainCompanion == null || b.plainCompanion);
        this.externalData = b.externalData;
        this.force = b.force;
    }

    public static Builder builder() {
        return new Builder();
    }

    public static ExportOptions defaults() {
        return builder().build();
    }

    public Precision precision() {
        return precision;
    }

    /**
     * Values per MatMulNBits block of the int4 weights (default {@value Int4Quantizer#DEFAULT_BLOCK_SIZE}); larger
     * blocks decode faster and quantise less accurately. Meaningless for other precisions.
     */
    public int int4BlockSize() {
        return int4BlockSize;
    }

    /** The Transformer² form, or null when the hook is off. */
    public SvfForm svfForm() {
        return svfForm;
    }

    public boolean svfEnabled() {
        return svfForm != null;
    }

    public boolean externalData() {
        return externalData;
    }

    public boolean force() {
        return force;
    }

    /**
     * Whether the export also writes {@code model-plain.onnx}, the graph without the Transformer² hook, which the
     * runtime uses for requests that mix no experts (the hook slows decoding even with identity multipliers:
     * BENCHMARKS.md, "Decode speed"). True by default with the hook on; always false with it off (model.onnx is
     * then plain).
     */
    public boolean plainCompanion() {
        return plainCompanion;
    }

    public static final class Builder {
        private Precision precision = Precision.fp32;
        private Integer int4BlockSize;
        private boolean svf = true;
        private SvfForm svfForm = SvfForm.FACTORISED;
        private boolean externalData;
        private boolean force;
        private Boolean plainCompanion;

        public Builder precision(Precision precision) {
            this.precision = Objects.requireNonNull(precision, "precision");
            return this;
        }

        /**
         * Values per int4 quantisation block: one of {@link Int4Quantizer#BLOCK_SIZES} (default
         * {@value Int4Quantizer#DEFAULT_BLOCK_SIZE}). Only with {@link Precision#int4}: {@link #build()} rejects it
         * for another precision.
         *
         * @throws IllegalArgumentException when the size is not one of {@link Int4Quantizer#BLOCK_SIZES}
         */
        public Builder int4BlockSize(int blockSize) {
            this.int4BlockSize = Int4Quantizer.checkBlockSize(blockSize);
            return this;
        }

        /** Transformer² singular-value inputs on the MLP matrices (default true). */
        public Builder svf(boolean svf) {
            this.svf = svf;
            return this;
        }

        public Builder svfForm(SvfForm svfForm) {
            this.svfForm = Objects.requireNonNull(svfForm, "svfForm");
            return this;
        }

        /** Weights in {@code model.onnx.data} even when the model is small enough to hold them inline. */
        public Builder externalData(boolean externalData) {
            this.externalData = externalData;
            return this;
        }

        /** Allow writing into a non-empty output folder (files of the same name are replaced). */
        public Builder force(boolean force) {
            this.force = force;
            return this;
        }

        /**
         * Also write the plain graph {@code model-plain.onnx} (+ its own data file) next to the SVF graph (default
         * true with the hook on). About the size of a {@code --no-svf} export on disk; turn it off when short of
         * disk space. Only with the hook on: {@link #build()} rejects it when {@link #svf(boolean)} is false.
         */
        public Builder plainCompanion(boolean plainCompanion) {
            this.plainCompanion = plainCompanion;
            return this;
        }

        public ExportOptions build() {
            return new ExportOptions(this);
        }
    }
}
