package dev.titans4j.export.onnx;

/**
 * How the graph applies Transformer² singular-value multipliers {@code m} to an adapted weight
 * {@code W = U·diag(s)·Vᵀ}. The default is {@link #FACTORISED}, chosen by measurement (SvfDecodeBenchmark; figures
 * in BENCHMARKS.md, "Transformer² hook"). Decoding is bound by weight bytes read: the factorised form reads
 * (in + out)·r instead of in·out values per adapted matrix, the residual form both.
 */
public enum SvfForm {
    /** {@code y = ((x·V·diag(s)) ⊙ m)·Uᵀ}: two thinner matmuls, (in + out)·r multiply-adds instead of in·out. */
    FACTORISED("factorised"),
    /** {@code y = x·Wᵀ + ((x·V·diag(s)) ⊙ (m − 1))·Uᵀ}: the base matmul plus a full-rank correction. */
    RESIDUAL("residual");

    private final String id;

    SvfForm(String id) {
        this.id = id;
    }

    /** Name used in the manifest. */
    public String id() {
        return id;
    }
}
