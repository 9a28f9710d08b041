package dev.titans4j.export;

import static org.assertj.core.api.Assertions.assertThat;

import dev.titans4j.export.manifest.ModelManifest;
import dev.titans4j.export.manifest.ModelManifest.Precision;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The manifest says whether sequences of different lengths may share a run as batch rows: only when the attention op
 * applies RoPE from each row's own mask row (head_dim and rotary dim multiples of 16) and the table does not depend
 * on the run's longest row (longrope picks short or long factors per run).
 */
class BatchRowsManifestTest {

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "qwen3-tied-hd16, true",                // fused rotary
            "qwen3-hd8-explicit-rotary, false",     // RoPE outside the attention op
            "phi3-default-rope, true",              // partial rotary, fused
            "phi3-longrope-partial-fused, false",   // fused, but the table is chosen per run
            "phi3-longrope-partial-tied, false",    // rotary 12 of 16: explicit
            "gemma3-hub-tied, true",
            "gemma3-hd8-softcap, false"})
    void recordsWhetherRowsCanShareARun(String fixture, boolean batchRows) throws Exception {
        ModelManifest m = ModelManifest.read(HfFixture.load(fixture).export(dir, Precision.fp32));
        assertThat(m.kvCache().batchRows()).isEqualTo(batchRows);
    }
}
