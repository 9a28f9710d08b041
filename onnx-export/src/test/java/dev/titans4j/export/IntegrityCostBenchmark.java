package dev.titans4j.export;

import dev.titans4j.export.manifest.DigestingOutputStream;
import dev.titans4j.export.manifest.FileDigest;
import dev.titans4j.export.manifest.FileIntegrity;
import dev.titans4j.export.manifest.ModelManifest;
import dev.titans4j.export.testing.TinyCheckpoint;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;
import java.util.Random;

/**
 * Not a unit test: what the manifest's file digests cost. CRC32C in memory through {@link DigestingOutputStream}
 * (the exporter's added work per byte written), a plain read against {@link FileDigest#of} of the exported
 * {@code model.onnx} (what {@code verify} adds to reading a file), and {@link FileIntegrity#checkAll} over the whole
 * export, with the file in the page cache; best of 3 each. The export is a SmolLM2-135M-shaped random checkpoint
 * (as {@link SvfDecodeBenchmark}), fp32 with the SVF hook and its plain companion.
 * Run: {@code java -cp <test classpath> dev.titans4j.export.IntegrityCostBenchmark [dir]}; the export's own time
 * with and without digests is compared by running {@code ExportCli} from two builds on {@code dir/hf}.
 */
public final class IntegrityCostBenchmark {

    private static final double GB = 1e9;

    private IntegrityCostBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Path work = args.length > 0 ? Path.of(args[0]) : Files.createTempDirectory("integrity-bench");
        Path hf = work.resolve("hf");
        if (!Files.exists(hf.resolve("config.json"))) {
            TinyCheckpoint.llama().hidden(576).intermediate(1536).layers(30).heads(9).kvHeads(3).vocab(49152)
                    .tied(true).maxPositions(2048).write(hf);
        }
        Path out = work.resolve("out");
        if (!Files.exists(out.resolve(ModelManifest.FILE_NAME))) {
            long t = System.nanoTime();
            OnnxExporter.builder().options(ExportOptions.builder().force(true).build()).build().export(hf, out);
            System.out.printf(Locale.ROOT, "export: %.1f s%n", (System.nanoTime() - t) / GB);
        }
        System.out.printf(Locale.ROOT, "CRC32C while writing (in memory): %.2f GB/s%n", crcInMemory(2_000_000_000L));
        Path model = out.resolve(OnnxExporter.MODEL_FILE);
        double read = best(() -> readOnly(model));
        double digest = best(() -> FileDigest.of(model).size());
        long bytes = Files.size(model);
        System.out.printf(Locale.ROOT, "%s, %d bytes: read %.2f GB/s, read + CRC32C %.2f GB/s (%.2f s/GB)%n",
                model.getFileName(), bytes, bytes / read / GB, bytes / digest / GB, digest / (bytes / GB));
        ModelManifest manifest = ModelManifest.read(out);
        long all = manifest.fileDigests().values().stream().mapToLong(FileDigest::size).sum();
        double sizes = best(() -> FileIntegrity.checkAll(out, manifest, false).size());
        double checksums = best(() -> FileIntegrity.checkAll(out, manifest, true).size());
        System.out.printf(Locale.ROOT, "whole export, %d files, %d bytes: sizes %.3f ms, checksums %.2f s%n",
                manifest.fileDigests().size(), all, sizes * 1e3, checksums);
    }

    /** GB/s of CRC32C through the exporter's stream, 1 MiB writes as the buffered writers make. */
    private static double crcInMemory(long total) throws IOException {
        byte[] chunk = new byte[1 << 20];
        new Random(1).nextBytes(chunk);
        double bestSeconds = Double.MAX_VALUE;
        for (int round = 0; round < 3; round++) {
            long t = System.nanoTime();
            try (DigestingOutputStream out = new DigestingOutputStream(OutputStream.nullOutputStream())) {
                for (long done = 0; done < total; done += chunk.length) {
                    out.write(chunk, 0, chunk.length);
                }
            }
            bestSeconds = Math.min(bestSeconds, (System.nanoTime() - t) / GB);
        }
        return total / bestSeconds / GB;
    }

    private static long readOnly(Path file) throws IOException {
        long n = 0;
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer chunk = ByteBuffer.allocateDirect(1 << 20);
            int read;
            while ((read = channel.read(chunk)) >= 0) {
                n += read;
                chunk.clear();
            }
        }
        return n;
    }

    private interface Work {
        long run() throws IOException;
    }

    private static double best(Work work) throws IOException {
        double bestSeconds = Double.MAX_VALUE;
        for (int round = 0; round < 3; round++) {
            long t = System.nanoTime();
            work.run();
            bestSeconds = Math.min(bestSeconds, (System.nanoTime() - t) / GB);
        }
        return bestSeconds;
    }
}
