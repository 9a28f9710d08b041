package dev.titans4j.bench.recall.tuning;

import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;
import dev.titans4j.bench.recall.MemoryResult;
import dev.titans4j.bench.recall.RecallBenchmark;
import dev.titans4j.bench.recall.dataset.RecallDataset;
import dev.titans4j.bench.recall.dataset.RecallDatasetJson;
import dev.titans4j.bench.recall.memory.BudgetPolicy;
import dev.titans4j.bench.recall.memory.HybridRanker;
import dev.titans4j.bench.recall.memory.RankedRecallMemory;
import dev.titans4j.bench.recall.memory.RecallMemoryFactory;
import dev.titans4j.bench.recall.titans.TitansRecallMemory;
import dev.titans4j.titans.chat.RecallFusion;
import dev.titans4j.titans.chat.TitansChatMemory;
import dev.titans4j.titans.memory.GateSpec;
import dev.titans4j.titans.memory.MemoryConfig;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The tuning grid behind the defaults of {@code hybrid} and {@code titans} (BENCHMARKS.md): the same knobs and the
 * same grid for both (RRF k, lexical weight, second-hop weight, context key, sentence keys, date boost), evaluated
 * at budgets 512, 1024 and 2048 on a development data set; embeddings are cached, so times mean nothing here.
 * <pre>
 * java -cp integration-tests/target/classes:integration-tests/target/test-classes:$(deps) \
 *     dev.titans4j.bench.recall.tuning.FusionTuning hybrid|titans|neural|lexical-hop|passages DATASET.json
 * </pre>
 * {@code neural} varies the neural memory's write rule (θ, η, α, data-dependent θ, a deep memory) under the default
 * fusion instead.
 * <pre>
 * </pre>
 */
public final class FusionTuning {

    private FusionTuning() {
    }

    public static void main(String[] args) {
        String memory = args[0];
        RecallDataset dataset = RecallDatasetJson.read(Path.of(args[1]));
        CachingEmbeddingModel model = new CachingEmbeddingModel(new AllMiniLmL6V2EmbeddingModel());
        BudgetPolicy policy = BudgetPolicy.defaults();
        int[] budgets = {512, 1024, 2048};
        if (memory.equals("neural")) {
            neuralGrid(dataset, model, policy, budgets);
            return;
        }
        if (memory.equals("passages")) {
            passageGrid(dataset, model, policy, budgets);
            return;
        }
        if (memory.equals("lexical-hop")) {
            lexicalHopGrid(dataset, model, policy, budgets);
            return;
        }
        List<String> lines = new ArrayList<>();
        for (double k : new double[] {1, 10, 60}) {
            for (double lexical : new double[] {0.5, 1, 2}) {
                for (double hop : new double[] {0, 0.5, 1}) {
                    for (double context : new double[] {0, 1}) {
                        for (boolean sentences : new boolean[] {false, true}) {
                            for (double time : new double[] {0, 2}) {
                                RecallMemoryFactory factory = memory.equals("hybrid")
                                        ? () -> new RankedRecallMemory(new HybridRanker(model,
                                        new HybridRanker.Settings(k, lexical, hop, 5, context, sentences, time)),
                                        policy)
                                        : () -> new TitansRecallMemory(policy, TitansChatMemory.builder()
                                        .embeddingModel(model).sentenceKeys(sentences)
                                        .recallFusion(new RecallFusion(1, lexical, Math.max(hop, 0), 5, time,
                                                context, k)), TitansRecallMemory.Variant.TITANS);
                                double sum = 0;
                                StringBuilder line = new StringBuilder(String.format(Locale.ROOT,
                                        "k=%s lex=%s hop=%s ctx=%s sent=%s time=%s", k, lexical, hop, context,
                                        sentences, time));
                                List<MemoryResult> results = RecallBenchmark.runBudgets(memory, factory, dataset,
                                        budgets);
                                for (int b = 0; b < budgets.length; b++) {
                                    sum += results.get(b).overall();
                                    line.append(String.format(Locale.ROOT, " B%d=%.4f", budgets[b],
                                            results.get(b).overall()));
                                }
                                line.append(String.format(Locale.ROOT, " mean=%.4f", sum / budgets.length));
                                System.out.println(line);
                                lines.add(line.toString());
                            }
                        }
                    }
                }
            }
        }
        lines.sort((a, b) -> b.substring(b.indexOf("mean=")).compareTo(a.substring(a.indexOf("mean="))));
        System.out.println("BEST");
        lines.stream().limit(10).forEach(System.out::println);
    }

    /** The tuned titans and hybrid with a lexical second hop of weight 0, 0.5 and 1 (same grid for both). */
    private static void lexicalHopGrid(RecallDataset dataset, CachingEmbeddingModel model, BudgetPolicy policy,
                                       int[] budgets) {
        for (double w : new double[] {0, 0.5, 1}) {
            RecallFusion d = RecallFusion.defaults();
            RecallFusion fusion = new RecallFusion(d.denseWeight(), d.lexicalWeight(), d.secondHopWeight(),
                    d.secondHopAnchors(), d.timeWeight(), d.contextWeight(), d.k(), w);
            report("titans lexical hop " + w, RecallBenchmark.runBudgets("titans", () -> new TitansRecallMemory(
                    policy, TitansChatMemory.builder().embeddingModel(model).recallFusion(fusion),
                    TitansRecallMemory.Variant.TITANS), dataset, budgets), budgets);
            report("hybrid lexical hop " + w, RecallBenchmark.runBudgets("hybrid", () -> new RankedRecallMemory(
                    new HybridRanker(model, HybridRanker.Settings.tuned().withLexicalHop(w)), policy), dataset,
                    budgets), budgets);
        }
    }

    /** The default titans with sentence keys off, or keyed in passages of at least 1, 8, 12, 16, 24 words. */
    private static void passageGrid(RecallDataset dataset, CachingEmbeddingModel model, BudgetPolicy policy,
                                    int[] budgets) {
        report("titans no sentence keys", RecallBenchmark.runBudgets("titans", () -> new TitansRecallMemory(policy,
                TitansChatMemory.builder().embeddingModel(model).sentenceKeys(false),
                TitansRecallMemory.Variant.TITANS), dataset, budgets), budgets);
        for (int words : new int[] {1, 8, 12, 16, 24}) {
            report("titans passage keys >= " + words + " words", RecallBenchmark.runBudgets("titans",
                    () -> new TitansRecallMemory(policy, TitansChatMemory.builder().embeddingModel(model)
                            .passageKeyWords(words), TitansRecallMemory.Variant.TITANS), dataset, budgets), budgets);
        }
    }

    private static void report(String name, List<MemoryResult> results, int[] budgets) {
        StringBuilder line = new StringBuilder(name + ":");
        double sum = 0;
        for (int b = 0; b < budgets.length; b++) {
            sum += results.get(b).overall();
            line.append(String.format(Locale.ROOT, " B%d=%.4f", budgets[b], results.get(b).overall()));
        }
        System.out.println(line.append(String.format(Locale.ROOT, " mean=%.4f", sum / budgets.length)));
    }

    /**
     * The neural memory's write rule with the default fusion: step θ, momentum η (θ halved so the total step
     * stays comparable), forgetting α, and a deep (2-layer) memory instead of the linear one. (Data-dependent
     * gates need trained gate weights; untrained they are constant, so they are not in the grid.)
     */
    private static void neuralGrid(RecallDataset dataset, CachingEmbeddingModel model, BudgetPolicy policy,
                                   int[] budgets) {
        int d = model.dimension();
        MemoryConfig linear = TitansChatMemory.defaultMemoryConfig(d);
        java.util.Map<String, MemoryConfig> variants = new java.util.LinkedHashMap<>();
        variants.put("default (theta 0.025, eta 0, alpha 0)", linear);
        variants.put("theta 0.0125", linear.toBuilder().theta(GateSpec.fixed(0.0125)).build());
        variants.put("theta 0.05", linear.toBuilder().theta(GateSpec.fixed(0.05)).build());
        variants.put("theta 0.0125, eta 0.5 (momentum)", linear.toBuilder().theta(GateSpec.fixed(0.0125))
                .eta(GateSpec.fixed(0.5)).build());
        variants.put("alpha 0.001 (forgetting)", linear.toBuilder().alpha(GateSpec.fixed(0.001)).build());
        variants.put("alpha 0.01 (forgetting)", linear.toBuilder().alpha(GateSpec.fixed(0.01)).build());
        variants.put("deep: 2 layers, hidden 2d, GELU", linear.toBuilder().layers(2).expansion(2).residual(false)
                .build());
        for (var v : variants.entrySet()) {
            RecallMemoryFactory factory = () -> new TitansRecallMemory(policy, TitansChatMemory.builder()
                    .embeddingModel(model).memoryConfig(v.getValue()), TitansRecallMemory.Variant.TITANS);
            report(v.getKey(), RecallBenchmark.runBudgets("titans", factory, dataset, budgets), budgets);
        }
    }
}
