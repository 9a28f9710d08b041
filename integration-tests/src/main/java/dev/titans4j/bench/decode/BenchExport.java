package dev.titans4j.bench.decode;

import dev.titans4j.export.ExportOptions;
import dev.titans4j.export.OnnxExporter;
import dev.titans4j.export.manifest.ModelManifest;
import dev.titans4j.export.manifest.ModelManifest.Precision;
import dev.titans4j.export.onnx.Int4Quantizer;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** The benchmarks' exports of a random checkpoint: written once per folder and reused while they still fit. */
public final class BenchExport {

    private BenchExport() {
    }

    /**
     * {@code out}, exported from {@code hf} unless it already holds this export (same int4 block; a default export
     * with its plain companion).
     *
     * @param svf whether to export the Transformer² graph (with its plain companion) or the plain graph only
     */
    public static Path ensure(Path hf, Path out, Precision precision, int blockSize, boolean svf, PrintStream log)
            throws IOException {
        if (Files.isRegularFile(out.resolve(ModelManifest.FILE_NAME))) {
            ModelManifest cached = ModelManifest.read(out);
            Integer recorded = cached.int4BlockSize(); // null: written before it was recorded
            int block = recorded != null ? recorded : Int4Quantizer.DEFAULT_BLOCK_SIZE;
            boolean companionMissing = svf && cached.plainCompanion() == null;
            if (companionMissing) {
                log.printf(Locale.ROOT, "  %s has no plain companion %s (exported before it existed): exporting"
                        + " again%n", out, OnnxExporter.PLAIN_MODEL_FILE);
            } else if (precision != Precision.int4 || block == blockSize) {
                return out;
            } else {
                log.printf(Locale.ROOT, "  %s holds int4 block %d, not %d: exporting again%n", out, block,
                        blockSize);
            }
        }
        log.printf(Locale.ROOT, "  exporting %s%n", out);
        ExportOptions.Builder builder = ExportOptions.builder().precision(precision).svf(svf).force(true);
        if (precision == Precision.int4) {
            builder.int4BlockSize(blockSize);
        }
        long start = System.nanoTime();
        OnnxExporter.builder().options(builder.build()).build().export(hf, out);
        log.printf(Locale.ROOT, "  exported in %.0f s%n", (System.nanoTime() - start) / 1e9);
        return out;
    }
}
