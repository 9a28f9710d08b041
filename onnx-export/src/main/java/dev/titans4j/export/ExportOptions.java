package dev.titans4j.export;

import dev.titans4j.export.manifest.ModelManifest.Precision;
import dev.titans4j.export.onnx.SvfForm;
import java.util.Objects;

/**
 * How to export: weight precision, the Transformer² hook (on by default, factorised form), external weight data
 * (forced anyway when the model would exceed protobuf's 2 GB limit) and whether a non-empty output folder may be
 * overwritten.
 */
public final class ExportOptions {

    private final Precision precision;
    private final SvfForm svfForm;
    private final boolean externalData;
    private final boolean force;

    private ExportOptions(Builder b) {
        this.precision = b.precision;
        this.svfForm = b.svf ? b.svfForm : null;
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

    public static final class Builder {
        private Precision precision = Precision.fp32;
        private boolean svf = true;
        private SvfForm svfForm = SvfForm.FACTORISED;
        private boolean externalData;
        private boolean force;

        public Builder precision(Precision precision) {
            this.precision = Objects.requireNonNull(precision, "precision");
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

        public ExportOptions build() {
            return new ExportOptions(this);
        }
    }
}
