package dev.titans4j.t2.generation;

import java.util.Random;

/**
 * Not a test: CPU nanoseconds (of this thread, so other load on the machine does not count) per sampled token at the vocabulary sizes of SmolLM2 (49152) and Qwen2.5 (151936).
 * Run after {@code mvn -pl langchain4j-t2 test-compile}:
 * {@code java -cp langchain4j-t2/target/classes:langchain4j-t2/target/test-classes
 * dev.titans4j.t2.generation.SamplerBenchmark}
 */
public final class SamplerBenchmark {

    private static final java.lang.management.ThreadMXBean CPU =
            java.lang.management.ManagementFactory.getThreadMXBean();

    private SamplerBenchmark() {
    }

    public static void main(String[] args) {
        for (int vocab : new int[] {49152, 151936}) {
            Random random = new Random(1);
            float[][] logits = new float[16][];
            for (int i = 0; i < logits.length; i++) {
                logits[i] = SamplerTest.randomLogits(random, vocab, 2.5);
            }
            TokenHistory history = new TokenHistory(vocab);
            for (int i = 0; i < 256; i++) {
                history.add(random.nextInt(vocab));
            }
            report(vocab, "greedy", SamplingParameters.greedy(), logits, null);
            report(vocab, "T=0.8", SamplingParameters.builder().temperature(0.8).seed(1L).build(), logits, null);
            report(vocab, "T=0.8 top-k 40", SamplingParameters.builder().temperature(0.8).topK(40).seed(1L).build(),
                    logits, null);
            report(vocab, "T=0.8 top-p 0.9", SamplingParameters.builder().temperature(0.8).topP(0.9).seed(1L).build(),
                    logits, null);
            report(vocab, "T=0.7 k40 p0.9 minP0.05 +3 penalties (256 tokens)", SamplingParameters.builder()
                    .temperature(0.7).topK(40).topP(0.9).minP(0.05).repetitionPenalty(1.1).frequencyPenalty(0.2)
                    .presencePenalty(0.1).seed(1L).build(), logits, history);
        }
    }

    private static void report(int vocab, String name, SamplingParameters params, float[][] logits,
                               TokenHistory history) {
        Sampler sampler = new Sampler(params);
        float[] work = new float[vocab];
        long sink = 0;
        int warmup = 1000;
        int measured = 1000;
        long start = 0;
        for (int i = 0; i < warmup + measured; i++) {
            if (i == warmup) {
                start = CPU.getCurrentThreadCpuTime();
            }
            float[] l = logits[i % logits.length];
            if (history != null) { // penalties write into the logits: give them a fresh copy
                System.arraycopy(l, 0, work, 0, vocab);
                l = work;
            }
            sink += sampler.next(l, history);
        }
        long ns = (CPU.getCurrentThreadCpuTime() - start) / measured;
        System.out.printf("vocab %6d  %-52s %8d ns/token%s%n", vocab, name, ns, sink == 42 ? " " : "");
    }
}
