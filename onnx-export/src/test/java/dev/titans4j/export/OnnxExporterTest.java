package dev.titans4j.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.titans4j.export.testing.TinyCheckpoint;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OnnxExporterTest {

    @TempDir
    Path dir;

    @Test
    void reportsEveryTensorWithRunningTotals() throws Exception {
        Path hf = TinyCheckpoint.llama().write(dir.resolve("hf"));
        List<long[]> calls = new ArrayList<>();
        List<String> phases = new ArrayList<>();
        ExportResult result = OnnxExporter.builder().progress(new ExportProgress() {
            @Override
            public void phase(String description) {
                phases.add(description);
            }

            @Override
            public void tensorWritten(String name, int done, int total, long bytesDone, long bytesTotal) {
                calls.add(new long[] {done, total, bytesDone, bytesTotal});
            }
        }).build().export(hf, dir.resolve("out"));
        assertThat(phases).hasSize(2);
        assertThat(calls).isNotEmpty();
        long[] last = calls.get(calls.size() - 1);
        assertThat(last[0]).isEqualTo(last[1]).isEqualTo(calls.size());
        assertThat(last[2]).isEqualTo(last[3]);
        assertThat(result.fileSizes()).containsKeys("model.onnx", "svf.safetensors", "manifest.json",
                "generation_config.json");
    }

    @Test
    void aFailureWhileWritingLeavesNoHalfWrittenModel() {
        Path hf = TinyCheckpoint.llama().write(dir.resolve("hf"));
        Path out = dir.resolve("out");
        assertThatThrownBy(() -> OnnxExporter.builder().progress(new ExportProgress() {
            @Override
            public void tensorWritten(String name, int done, int total, long bytesDone, long bytesTotal) {
                if (done == 3) {
                    throw new IllegalStateException("disk full (simulated)");
                }
            }
        }).build().export(hf, out)).hasMessageContaining("disk full");
        assertThat(out.resolve("model.onnx")).doesNotExist();
        assertThat(out.resolve("manifest.json")).doesNotExist();
    }
}
