package dev.titans4j.export;

import dev.titans4j.export.onnx.SvfForm;
import dev.titans4j.export.testing.TinyCheckpoint;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Random;

/**
 * Not a unit test: measures decode tokens/s of the plain graph against the Transformer² (SVF) graph forms on a
 * SmolLM2-135M-shaped random checkpoint (hidden 576, intermediate 1536, 30 layers, 9 heads, 3 KV heads, vocab
 * 49152, tied), fp32, ORT CPU with 2 intra-op threads, shared KV buffer, 32-token prompt then 64 decode steps
 * (after 16 warm-up steps). Run: {@code java -cp <test classpath> dev.titans4j.export.SvfDecodeBenchmark [dir]}.
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
        for (String variant : variants) {
            Path out = work.resolve(variant);
            if (!Files.exists(out.resolve("manifest.json"))) {
                ExportOptions.Builder options = ExportOptions.builder().force(true);
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
        int rounds = Integer.getInteger("rounds", 3);
        for (int round = 0; round < rounds; round++) {
            for (String variant : variants) {
                System.out.printf(Locale.ROOT, "round %d %-10s decode %.2f tokens/s%n", round, variant,
                        decodeTokensPerSecond(work.resolve(variant)));
            }
        }
    }

    static double decodeTokensPerSecond(Path folder) throws Exception {
        Random random = new Random(1);
        try (OrtDecoder decoder = new OrtDecoder(folder, 256, 2)) {
            int[] prompt = random.ints(32, 0, 49152).toArray();
            float[] logits = decoder.feed(prompt, false)[0];
            int token = OrtDecoder.argmax(logits);
            for (int i = 0; i < 16; i++) {
                token = OrtDecoder.argmax(decoder.feed(new int[] {token}, false)[0]);
            }
            int steps = 64;
            long t = System.nanoTime();
            for (int i = 0; i < steps; i++) {
                token = OrtDecoder.argmax(decoder.feed(new int[] {token}, false)[0]);
            }
            return steps / ((System.nanoTime() - t) / 1e9);
        }
    }
}
