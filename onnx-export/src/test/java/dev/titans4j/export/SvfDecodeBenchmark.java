package dev.titans4j.export;

import dev.titans4j.export.manifest.ModelManifest;
import dev.titans4j.export.onnx.SvfForm;
import dev.titans4j.export.testing.TinyCheckpoint;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Random;

/**
 * Not a unit test: measures decode tokens/s of the plain graph against the Transformer² (SVF) graph forms on a
 * SmolLM2-135M-shaped random checkpoint (hidden 576, intermediate 1536, 30 layers, 9 heads, 3 KV heads, vocab
 * 49152, tied), fp32, ORT CPU with 2 intra-op threads, shared KV buffer, 32-token prompt, 8 warm-up steps,
 * then 128 decode steps per variant, interleaved step by step across the variants so that background load hits
 * each alike.
 * Run: {@code java -cp <test classpath> dev.titans4j.export.SvfDecodeBenchmark [dir]}.
 */
public final class SvfDecodeBenchmark {

    private SvfDecodeBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Path work = args.length > 0 ? Path.of(args[0]) : Files.createTempDirectory("svf-bench");
        Path hf = work.resolve("hf");
        if (!Files.exists(hf.resolve("config.json"))) {
            long t = System.nanoTime();
            TinyCheckpoint.llama().hidden(576).intermediate(1536).layers(30).heads(9).kvHeads(3).vocab(49152)
                    .tied(true).maxPositions(2048).write(hf);
            System.out.printf(Locale.ROOT, "checkpoint written in %.1f s%n", (System.nanoTime() - t) / 1e9);
        }
        String[] variants = {"plain", "factorised", "residual"};
        // -Dprecision=int4 benchmarks int4 exports (folders suffixed with the precision)
        ModelManifest.Precision precision = ModelManifest.Precision.valueOf(System.getProperty("precision", "fp32"));
        String suffix = precision == ModelManifest.Precision.fp32 ? "" : "-" + precision;
        for (String variant : variants) {
            Path out = work.resolve(variant + suffix);
            if (!Files.exists(out.resolve("manifest.json"))) {
                ExportOptions.Builder options = ExportOptions.builder().force(true).precision(precision);
                if (variant.equals("plain")) {
                    options.svf(false);
                } else {
                    options.svfForm(variant.equals("factorised") ? SvfForm.FACTORISED : SvfForm.RESIDUAL);
                }
                ExportResult r = OnnxExporter.builder().options(options.build()).build().export(hf, out);
                System.out.printf(Locale.ROOT, "%s: exported in %.1f s, %d MB%n", variant,
                        r.duration().toMillis() / 1000.0, r.totalBytes() / 1_000_000);
            }
        }
        // all variants open at once, decode steps interleaved, so background load hits each variant alike
        int steps = Integer.getInteger("steps", 128);
        OrtDecoder[] decoders = new OrtDecoder[variants.length];
        int[] tokens = new int[variants.length];
        long[] nanos = new long[variants.length];
        try {
            for (int v = 0; v < variants.length; v++) {
                decoders[v] = new OrtDecoder(work.resolve(variants[v] + suffix), 512, 2);
                int[] prompt = new Random(1).ints(32, 0, 49152).toArray();
                tokens[v] = OrtDecoder.argmax(decoders[v].feed(prompt, false)[0]);
                for (int i = 0; i < 8; i++) {
                    tokens[v] = OrtDecoder.argmax(decoders[v].feed(new int[] {tokens[v]}, false)[0]);
                }
            }
            for (int i = 0; i < steps; i++) {
                for (int v = 0; v < variants.length; v++) {
                    long t = System.nanoTime();
                    tokens[v] = OrtDecoder.argmax(decoders[v].feed(new int[] {tokens[v]}, false)[0]);
                    nanos[v] += System.nanoTime() - t;
                }
            }
        } finally {
            for (OrtDecoder d : decoders) {
                if (d != null) {
                    d.close();
                }
            }
        }
        for (int v = 0; v < variants.length; v++) {
            System.out.printf(Locale.ROOT, "%-10s decode %.2f tokens/s (%.2fx plain)%n", variants[v],
                    steps / (nanos[v] / 1e9), (double) nanos[0] / nanos[v]);
        }
    }
}
