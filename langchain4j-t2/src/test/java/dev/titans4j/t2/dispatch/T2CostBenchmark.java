package dev.titans4j.t2.dispatch;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.titans4j.export.ExportOptions;
import dev.titans4j.export.OnnxExporter;
import dev.titans4j.export.manifest.ModelManifest;
import dev.titans4j.export.testing.TinyCheckpoint;
import dev.titans4j.t2.OnnxChatEngine;
import dev.titans4j.t2.OnnxChatModel;
import dev.titans4j.t2.TestModels;
import dev.titans4j.t2.engine.DecoderSession;
import dev.titans4j.t2.engine.EngineOptions;
import dev.titans4j.t2.engine.OnnxModel;
import dev.titans4j.t2.svf.ExpertMix;
import dev.titans4j.t2.svf.RescaleRule;
import dev.titans4j.t2.svf.SingularValues;
import dev.titans4j.t2.svf.SvfAdapter;
import dev.titans4j.t2.svf.SvfExpert;
import dev.titans4j.t2.svf.SvfMultipliers;
import dev.titans4j.t2.svf.ValueKind;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Transformer² costs (run with {@code -Dtitans4j.bench=true}; skipped otherwise): decode tokens/s with a two-expert
 * mix vs the identity on the same fp32 SVF graph and vs a graph exported without the hook; the time to turn a mix
 * into multipliers; and the first pass's share of a realistic two-pass request. Decoding runs with one intra-op
 * thread (ONNX Runtime then computes on the caller's thread) and is timed in that thread's CPU time, in rounds whose
 * variant order is shuffled: the shared build machine's wall time swings several-fold with other jobs' load.
 */
class T2CostBenchmark {

    private static final int TOKENS = 200;
    private static final int ROUNDS = 9;
    private static final java.lang.management.ThreadMXBean CPU =
            java.lang.management.ManagementFactory.getThreadMXBean();

    @TempDir
    Path dir;

    @Test
    void decodeThroughputAndDispatchShare() throws Exception {
        assumeTrue(Boolean.getBoolean("titans4j.bench"), "set -Dtitans4j.bench=true to run");
        Path hf = TinyCheckpoint.llama().hidden(512).intermediate(1536).layers(4).heads(8).kvHeads(4).headDim(64)
                .vocab(1024).maxPositions(512).write(dir.resolve("hf"));
        Path svf = dir.resolve("svf");
        Path plain = dir.resolve("plain");
        OnnxExporter.builder().build().export(hf, svf);
        OnnxExporter.builder().options(ExportOptions.builder().svf(false).build()).build().export(hf, plain);
        throughput("random Llama 512/1536x4 fp32", svf, plain);
        throughput("stories260K fp32", TestModels.stories260K(), null);
        dispatchShare();
    }

    private void throughput(String label, Path svfFolder, Path plainFolder) throws Exception {
        EngineOptions options = EngineOptions.defaults().withIntraOpThreads(1);
        try (OnnxModel model = OnnxModel.load(svfFolder, options);
             OnnxModel plain = plainFolder == null ? null : OnnxModel.load(plainFolder, options)) {
            SingularValues s = SingularValues.load(svfFolder, ModelManifest.read(svfFolder));
            SvfAdapter adapter = new SvfAdapter(s);
            ExpertMix mix = ExpertMix.of(List.of(random("a", s, 1), random("b", s, 2)), new double[] {0.6, 0.4});
            long mixStart = System.nanoTime();
            int repeats = 200;
            for (int i = 0; i < repeats; i++) {
                adapter.multipliers(mix);
            }
            double mixMicros = (System.nanoTime() - mixStart) / 1e3 / repeats;
            SvfMultipliers m = adapter.multipliers(mix);
            double[] base = new double[ROUNDS];
            double[] mixed = new double[ROUNDS];
            double[] noHook = new double[ROUNDS];
            decode(model, SvfMultipliers.identity()); // warm-up
            for (int r = 0; r < ROUNDS; r++) {
                List<Integer> order = new java.util.ArrayList<>(List.of(0, 1, 2));
                java.util.Collections.shuffle(order, new Random(r));
                for (int variant : order) {
                    switch (variant) {
                        case 0 -> base[r] = decode(model, SvfMultipliers.identity());
                        case 1 -> mixed[r] = decode(model, m);
                        default -> noHook[r] = plain == null ? 0 : decode(plain, SvfMultipliers.identity());
                    }
                }
            }
            double b = median(base);
            double x = median(mixed);
            System.out.printf(Locale.ROOT, "%s: identity %.0f tok/s, mix %.0f tok/s (%.3fx)", label, b, x, x / b);
            if (plain != null) {
                double p = median(noHook);
                System.out.printf(Locale.ROOT, ", graph without hook %.0f tok/s (mix %.3fx of it)", p, x / p);
            }
            System.out.printf(Locale.ROOT, "; mix -> multipliers %.0f us per request%n", mixMicros);
        }
    }

    /** Tokens per CPU second of {@link #TOKENS} greedy decode steps after a 16-token prompt. */
    private static double decode(OnnxModel model, SvfMultipliers m) {
        int[] prompt = new Random(3).ints(16, 3, model.vocabSize()).toArray();
        try (DecoderSession session = model.newSession(m.asMap())) {
            float[] logits = session.prefill(prompt);
            long start = CPU.getCurrentThreadCpuTime();
            for (int t = 0; t < TOKENS; t++) {
                logits = session.decode(argmax(logits));
            }
            return TOKENS / ((CPU.getCurrentThreadCpuTime() - start) / 1e9);
        }
    }

    private void dispatchShare() {
        try (OnnxChatEngine engine = OnnxChatEngine.load(TestModels.stories260K(),
                EngineOptions.defaults().withIntraOpThreads(2))) {
            SvfAdapter adapter = SvfAdapter.forEngine(engine);
            SvfExpert story = random("story", adapter.singularValues(), 5);
            OnnxChatModel onnx = OnnxChatModel.builder().engine(engine).temperature(0.0).maxOutputTokens(256).build();
            PromptDispatcher prompt = PromptDispatcher.builder().chatModel(onnx).expert("story", story)
                    .maxOutputTokens(16).build();
            T2ChatModel t2 = T2ChatModel.builder().chatModel(onnx).adapter(adapter).dispatcher(prompt).build();
            String request = "Once upon a time, there was a little girl named Lily. She loved to play outside in the"
                    + " park with her friends. One day, she saw a big red ball under a tree.";
            t2.chat(UserMessage.from(request)); // warm-up
            double shareSum = 0;
            int n = 5;
            T2ResponseMetadata last = null;
            for (int i = 0; i < n; i++) {
                ChatResponse r = t2.chat(UserMessage.from(request));
                last = (T2ResponseMetadata) r.metadata();
                shareSum += last.dispatchTimeShare();
            }
            System.out.printf(Locale.ROOT, "pass 1 (prompt dispatch, <=16 tokens, %d prompt tokens) vs pass 2"
                            + " (%d prompt + %d output tokens): %.1f%% of wall time (last: %d ms + %d ms)%n",
                    last.dispatchCost().inputTokens(), last.tokenUsage().inputTokenCount(),
                    last.tokenUsage().outputTokenCount(), 100 * shareSum / n, last.dispatchCost().millis(),
                    last.secondPassMillis());
        }
    }

    private static SvfExpert random(String name, SingularValues s, long seed) {
        Random random = new Random(seed);
        Map<String, float[]> values = new LinkedHashMap<>();
        s.matrices().forEach((w, m) -> {
            float[] v = new float[m.rank()];
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) random.nextGaussian();
            }
            values.put(w, v);
        });
        return new SvfExpert(name, ValueKind.LOGITS, RescaleRule.SUM_PRESERVING, s.identity(), values);
    }

    private static int argmax(float[] logits) {
        int best = 0;
        for (int i = 1; i < logits.length; i++) {
            if (logits[i] > logits[best]) {
                best = i;
            }
        }
        return best;
    }

    private static double median(double[] values) {
        double[] v = values.clone();
        Arrays.sort(v);
        return v[v.length / 2];
    }
}
