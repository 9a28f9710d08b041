package dev.titans4j.export;

import dev.titans4j.export.manifest.ModelManifest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/** What an export produced: the manifest, parameter count, file sizes (name → bytes) and wall time. */
public record ExportResult(Path outputDir, ModelManifest manifest, long parameters, Map<String, Long> fileSizes,
                           Duration duration) {

    public long totalBytes() {
        return fileSizes.values().stream().mapToLong(Long::longValue).sum();
    }
}
