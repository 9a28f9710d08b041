package dev.titans4j.t2.constrain;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.titans4j.export.testing.SharedData;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Mask cost per generated token on realistic vocabulary sizes (run with {@code -Dtitans4j.bench=true}; skipped
 * otherwise: too slow for the shared CI cores). Reports the mean and p99 thread CPU time of {@code maskLogits} plus {@code accept} per step over
 * random-logit generations with default limits, the cold cost (empty cache) and the trie size; then the same with a
 * token budget, as the chat models mask (closing costs on top of the mask): a loose one (4000 tokens) and a tight one
 * (the smallest answer plus 20 tokens).
 */
class MaskCostBenchmark {

    /** Thread CPU time, not wall time: the build machine's cores are shared with other jobs. */
    private static final java.lang.management.ThreadMXBean CPU = java.lang.management.ManagementFactory.getThreadMXBean();

    @Test
    void maskCostPerToken() {
        assumeTrue(Boolean.getBoolean("titans4j.bench"), "set -Dtitans4j.bench=true to run");
        List<SchemaCorpus.Entry> schemas = SchemaCorpus.all();
        report("stories260K (512)", TokenVocabulary.fromTokenizerJson(
                SharedData.require("models/stories260K").resolve("tokenizer.json")), schemas);
        for (int size : Integer.getInteger("titans4j.bench.vocab", 0) > 0
                ? new int[] {Integer.getInteger("titans4j.bench.vocab")} : new int[] {49152, 151936}) {
            report("synthetic " + size, SyntheticVocabulary.of(size), schemas);
        }
    }

    private static void report(String label, TokenVocabulary vocab, List<SchemaCorpus.Entry> schemas) {
        long t0 = CPU.getCurrentThreadCpuTime();
        TokenTrie trie = vocab.trie();
        vocab.stringContentIndex();
        long trieMs = (CPU.getCurrentThreadCpuTime() - t0) / 1_000_000;
        // warm-up (JIT) on a throwaway constraint
        run(JsonConstraint.forSchema(schemas.get(0).schema()), vocab, 3, null);
        System.out.printf("%-20s trie %,d nodes + string index built in %d ms CPU, maxTokenBytes %d%n", label, trie.nodeCount(),
                trieMs, vocab.maxTokenBytes());
        for (String budget : new String[] {"none", "4000", "tight"}) {
            Stats warmCold = new Stats();
            Stats all = new Stats();
            for (SchemaCorpus.Entry e : schemas) {
                JsonConstraint c = JsonConstraint.forSchema(e.schema());
                int tokens = switch (budget) {
                    case "none" -> Integer.MAX_VALUE;
                    case "4000" -> 4000;
                    default -> c.start(vocab).tokensToClose() + 20;
                };
                run(c, vocab, 1, warmCold, tokens); // first generation: cache starts empty
                run(c, vocab, 4, all, tokens);      // later generations reuse the masks
            }
            System.out.printf("  budget %-5s first request per schema: %s%n", budget, warmCold);
            System.out.printf("  budget %-5s later requests:           %s%n", budget, all);
        }
    }

    private static void run(JsonConstraint c, TokenVocabulary vocab, int generations, Stats stats) {
        run(c, vocab, generations, stats, Integer.MAX_VALUE);
    }

    private static void run(JsonConstraint c, TokenVocabulary vocab, int generations, Stats stats, int budget) {
        float[] logits = new float[vocab.size()];
        for (int g = 0; g < generations; g++) {
            Random random = new Random(g);
            ConstrainedDecoder d = c.start(vocab);
            for (int step = 0; step < Math.min(4000, budget) && !d.isFinished(); step++) {
                for (int i = 0; i < logits.length; i++) {
                    logits[i] = 4 * random.nextFloat();
                }
                long t = CPU.getCurrentThreadCpuTime();
                d.maskLogits(logits, budget == Integer.MAX_VALUE ? budget : budget - step);
                long dt = CPU.getCurrentThreadCpuTime() - t;
                int token = RandomDecoding.sample(logits, random);
                long t2 = CPU.getCurrentThreadCpuTime();
                if (vocab.isEos(token)) {
                    d.accept(token);
                    dt += CPU.getCurrentThreadCpuTime() - t2;
                    if (stats != null) {
                        stats.add(dt);
                    }
                    break;
                }
                d.accept(token);
                dt += CPU.getCurrentThreadCpuTime() - t2;
                if (stats != null) {
                    stats.add(dt);
                }
            }
        }
    }

    private static final class Stats {
        private long[] samples = new long[1024];
        private int n;

        void add(long nanos) {
            if (n == samples.length) {
                samples = java.util.Arrays.copyOf(samples, n * 2);
            }
            samples[n++] = nanos;
        }

        @Override
        public String toString() {
            long[] s = java.util.Arrays.copyOf(samples, n);
            java.util.Arrays.sort(s);
            double mean = java.util.Arrays.stream(s).average().orElse(0) / 1000.0;
            return String.format("%,d tokens, mean %.1f us CPU/token, p50 %.1f us, p99 %.1f us, max %.1f ms", n, mean,
                    s[n / 2] / 1000.0, s[(int) (n * 0.99)] / 1000.0, s[n - 1] / 1e6);
        }
    }
}
