package dev.titans4j.bench.decode;

import dev.titans4j.t2.engine.DecoderSession;
import dev.titans4j.t2.engine.EngineOptions;
import dev.titans4j.t2.engine.OnnxModel;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * Times an exported model through the runtime's own {@link DecoderSession} (the path {@code OnnxChatModel} uses):
 * prefill of a random prompt in one run, and greedy decoding one token per run from a one-token prompt (as
 * llama.cpp's {@code tg} test does), argmax included.
 */
final class OrtRunner {

    private OrtRunner() {
    }

    static Speed measure(Path exportDir, int threads, boolean spinning, int promptTokens, int decodeTokens,
                         int runs) {
        EngineOptions options = EngineOptions.defaults().withIntraOpThreads(threads).withIntraOpSpinning(spinning)
                .withMaxContextLength(Math.max(promptTokens, decodeTokens) + 16);
        try (OnnxModel model = OnnxModel.load(exportDir, options)) {
            int[] prompt = new SplittableRandom(7).ints(promptTokens, 3, model.vocabSize()).toArray();
            warmUp(model);
            double[] prefill = new double[runs];
            double[] decode = new double[runs];
            for (int r = 0; r < runs; r++) {
                prefill[r] = prefill(model, prompt);
                decode[r] = decode(model, decodeTokens);
            }
            return new Speed(prefill, decode);
        }
    }

    /** First runs allocate ONNX Runtime's arenas and fill caches; not part of the steady state. */
    private static void warmUp(OnnxModel model) {
        try (DecoderSession session = model.newSession()) {
            int token = argmax(session.prefill(new int[] {1, 5, 9, 13, 17, 21, 25, 29}));
            for (int i = 0; i < 8; i++) {
                token = argmax(session.decode(token));
            }
        }
    }

    private static double prefill(OnnxModel model, int[] prompt) {
        try (DecoderSession session = model.newSession()) {
            long start = System.nanoTime();
            session.prefill(prompt);
            return prompt.length / seconds(start);
        }
    }

    private static double decode(OnnxModel model, int tokens) {
        try (DecoderSession session = model.newSession()) {
            int token = argmax(session.prefill(new int[] {1}));
            long start = System.nanoTime();
            for (int i = 0; i < tokens; i++) {
                token = argmax(session.decode(token));
            }
            return tokens / seconds(start);
        }
    }

    static int argmax(float[] logits) {
        int best = 0;
        for (int i = 1; i < logits.length; i++) {
            if (logits[i] > logits[best]) {
                best = i;
            }
        }
        return best;
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }
}
