package dev.titans4j.export.svf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class SvfLedgerTest {

    @Test
    void decomposesEachMatrixOnceAheadOfUseAndReleasesAfterTwoUses() {
        Random random = new Random(2);
        AtomicInteger reads = new AtomicInteger();
        float[][] weights = new float[5][];
        try (SvfLedger ledger = new SvfLedger()) {
            for (int m = 0; m < weights.length; m++) {
                float[] w = new float[12 * 7];
                for (int i = 0; i < w.length; i++) {
                    w[i] = (float) random.nextGaussian();
                }
                weights[m] = w;
                ledger.register("w" + m, () -> {
                    reads.incrementAndGet();
                    return w;
                }, 12, 7);
            }
            for (int m = 0; m < weights.length; m++) {
                SvfFactors first = ledger.factors("w" + m);
                SvfFactors second = ledger.factors("w" + m);
                assertThat(second).isSameAs(first);
                assertThat(first.singularValues()).containsExactly(Svd.factor(weights[m], 12, 7).singularValues());
                int released = m;
                assertThatThrownBy(() -> ledger.factors("w" + released)).hasMessageContaining("already released");
            }
            assertThat(reads).hasValue(5);
            assertThat(ledger.singularValues()).containsOnlyKeys("w0", "w1", "w2", "w3", "w4");
        }
    }

    @Test
    void readFailuresSurfaceToTheCaller() {
        try (SvfLedger ledger = new SvfLedger()) {
            ledger.register("bad", () -> {
                throw new java.io.UncheckedIOException(new java.io.IOException("disk gone"));
            }, 3, 3);
            assertThatThrownBy(() -> ledger.factors("bad")).isInstanceOf(java.io.UncheckedIOException.class)
                    .hasMessageContaining("disk gone");
        }
    }

    /** Weights reach the ledger checked finite; should a decomposition still fail, the error names the weight. */
    @Test
    void aDecompositionThatFailsNamesTheWeight() {
        float[] w = new float[8 * 6];
        java.util.Arrays.fill(w, 1f);
        w[13] = Float.NaN;
        try (SvfLedger ledger = new SvfLedger()) {
            ledger.register("model.layers.0.mlp.up_proj.weight", () -> w, 8, 6);
            assertThatThrownBy(() -> ledger.factors("model.layers.0.mlp.up_proj.weight"))
                    .isInstanceOf(java.io.UncheckedIOException.class)
                    .hasMessage("java.io.IOException: tensor 'model.layers.0.mlp.up_proj.weight': singular value"
                            + " decomposition failed (eigenvalue iteration did not converge)")
                    .cause().hasMessage("tensor 'model.layers.0.mlp.up_proj.weight': singular value"
                            + " decomposition failed (eigenvalue iteration did not converge)");
        }
    }

    /** The manifest takes each matrix's shape from here: a block of a fused tensor has no checkpoint shape. */
    @Test
    void knowsTheShapeOfEveryRegisteredMatrix() {
        try (SvfLedger ledger = new SvfLedger()) {
            ledger.register("model.layers.0.mlp.gate_proj.weight", () -> new float[12 * 7], 12, 7);
            assertThat(ledger.shape("model.layers.0.mlp.gate_proj.weight")).containsExactly(12, 7);
            assertThatThrownBy(() -> ledger.shape("model.layers.0.mlp.up_proj.weight"))
                    .hasMessage("matrix not registered: model.layers.0.mlp.up_proj.weight");
        }
    }
}
