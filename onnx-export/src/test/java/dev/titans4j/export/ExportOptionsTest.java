package dev.titans4j.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.titans4j.export.manifest.ModelManifest.Precision;
import org.junit.jupiter.api.Test;

class ExportOptionsTest {

    @Test
    void int4BlockSizeDefaultsToThirtyTwo() {
        assertThat(ExportOptions.builder().precision(Precision.int4).build().int4BlockSize()).isEqualTo(32);
        assertThat(ExportOptions.defaults().int4BlockSize()).isEqualTo(32);
    }

    @Test
    void int4BlockSizeIsKept() {
        assertThat(ExportOptions.builder().precision(Precision.int4).int4BlockSize(128).build().int4BlockSize())
                .isEqualTo(128);
    }

    @Test
    void unsupportedBlockSizeNamesTheAllowedOnes() {
        assertThatThrownBy(() -> ExportOptions.builder().int4BlockSize(96))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("int4 block size 96 is not supported; allowed: 16, 32, 64, 128, 256");
    }

    @Test
    void explicitBlockSizeWithAnotherPrecisionIsRejected() {
        assertThatThrownBy(() -> ExportOptions.builder().precision(Precision.fp16).int4BlockSize(64).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("an int4 block size (64) only applies to precision int4, not fp16");
    }
}
