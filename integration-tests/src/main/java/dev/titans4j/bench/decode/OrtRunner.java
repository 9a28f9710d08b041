package dev.titans4j.bench.decode;

import dev.titans4j.export.manifest.ModelManifest;
import dev.titans4j.t2.engine.DecoderSession;
import dev.titans4j.t2.engine.EngineOptions;
import dev.titans4j.t2.engine.ExecutionProvider;
import dev.titans4j.t2.engine.OnnxModel;
import dev.titans4j.t2.engine.TokenSelector;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Times an exported model through the runtime's own {@link DecoderSession} (the path {@code OnnxChatModel} uses):
 * prefill of a random prompt in one run, and greedy decoding one token per run from a one-token prompt (as
 * llama.cpp's {@code tg} test does), argmax included. Sessions without multipliers run what a user without experts
 * gets (the plain companion graph when the export has one); {@code svf} passes explicit all-ones multipliers, which
 * forces the Transformer² graph {@code model.onnx}; such rows load without the companion, so they hold one graph.
 */
public final class OrtRunner {

    private static final TokenSelector GREEDY = TokenSelector.greedy();

    private OrtRunner() {
    }

    static Speed measure(Path exportDir, boolean svf, int threads, boolean spinning, int promptTokens,
                         int decodeTokens, int runs) {
        return measure(exportDir, svf, threads, spinning, promptTokens, decodeTokens, runs, ExecutionProvider.CPU);
    }

    static Speed measure(Path exportDir, boolean svf, int threads, boolean spinning, int promptTokens,
                         int decodeTokens, int runs, ExecutionProvider provider) {
        EngineOptions options = EngineOptions.defaults().withIntraOpThreads(threads).withIntraOpSpinning(spinning)
                .withExecutionProvider(provider)
                .withMaxContextLength(Math.max(promptTokens, decodeTokens) + 16)
                .withPlainCompanion(!svf); // each row holds only the graph it times
        try (OnnxModel model = OnnxModel.load(exportDir, options)) {
            Map<String, float[]> multipliers = svf ? identityMultipliers(model) : Map.of();
            int[] prompt = new SplittableRandom(7).ints(promptTokens, 3, model.vocabSize()).toArray();
            warmUp(model, multipliers);
            double[] prefill = new double[runs];
            double[] decode = new double[runs];
            for (int r = 0; r < runs; r++) {
                prefill[r] = prefill(model, multipliers, prompt);
                decode[r] = decode(model, multipliers, decodeTokens);
            }
            return new Speed(prefill, decode);
        }
    }

    /** All ones for every SVF input: the base model, on the graph with the Transformer² hook. */
    private static Map<String, float[]> identityMultipliers(OnnxModel model) {
        ModelManifest.Svf svf = model.manifest().svf();
        if (svf == null || !svf.enabled()) {
            throw new IllegalArgumentException(model.folder() + " was exported without the Transformer² hook");
        }
        Map<String, float[]> ones = new LinkedHashMap<>();
        for (ModelManifest.SvfMatrix m : svf.matrices()) {
            float[] v = new float[m.rank()];
            Arrays.fill(v, 1f);
            ones.put(m.input(), v);
        }
        return ones;
    }

    /** First runs allocate ONNX Runtime's arenas and fill caches; not part of the steady state. */
    private static void warmUp(OnnxModel model, Map<String, float[]> multipliers) {
        try (DecoderSession session = model.newSession(multipliers)) {
            int token = GREEDY.select(session.prefill(new int[] {1, 5, 9, 13, 17, 21, 25, 29}));
            for (int i = 0; i < 8; i++) {
                token = GREEDY.select(session.decode(token));
            }
        }
    }

    private static double prefill(OnnxModel model, Map<String, float[]> multipliers, int[] prompt) {
        try (DecoderSession session = model.newSession(multipliers)) {
            long start = System.nanoTime();
            session.prefill(prompt);
            return prompt.length / seconds(start);
        }
    }

    private static double decode(OnnxModel model, Map<String, float[]> multipliers, int tokens) {
        try (DecoderSession session = model.newSession(multipliers)) {
            int token = GREEDY.select(session.prefill(new int[] {1}));
            long start = System.nanoTime();
            for (int i = 0; i < tokens; i++) {
                token = GREEDY.select(session.decode(token));
            }
            return tokens / seconds(start);
        }
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }
}
