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
        assertThat(phases).hasSize(3); // validating, writing model.onnx, writing model-plain.onnx
        assertThat(calls).isNotEmpty();
        // each graph counts its own tensors from 1 to its total, ending with all its bytes
        List<long[]> graphEnds = calls.stream().filter(c -> c[0] == c[1]).toList();
        assertThat(graphEnds).hasSize(2).allSatisfy(c -> assertThat(c[2]).isEqualTo(c[3]));
        assertThat(graphEnds.get(0)[1] + graphEnds.get(1)[1]).isEqualTo(calls.size());
        assertThat(calls.get(calls.size() - 1)).isSameAs(graphEnds.get(1));
        assertThat(result.fileSizes()).containsKeys("model.onnx", "model-plain.onnx", "svf.safetensors",
                "manifest.json", "generation_config.json");
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
        assertThat(out.resolve("model-plain.onnx")).doesNotExist();
        assertThat(out.resolve("manifest.json")).doesNotExist();
    }
}
