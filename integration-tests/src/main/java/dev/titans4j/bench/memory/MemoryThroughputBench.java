package dev.titans4j.bench.memory;

import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;
import dev.langchain4j.model.output.Response;
import dev.titans4j.bench.recall.Percentiles;
import dev.titans4j.titans.memory.MemoryConfig;
import dev.titans4j.titans.memory.NeuralMemory;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Write throughput and read latency of the default deep neural memory ({@link MemoryConfig} defaults: 2 layers,
 * expansion 4, GELU, residual, chunk size 8, SiLU + L2-normalised q/k) at d = 384 and d = 896, with 1 and 2
 * threads (one memory per thread, as with independent memory ids), next to encoding one 64-token segment with
 * all-MiniLM-L6-v2 in the same JVM run. Inputs are random unit vectors (like sentence embeddings). Reports wall
 * clock and CPU time (thread CPU for the memory, process CPU for the encoder, whose work runs on ONNX Runtime's
 * native threads), because on a shared machine wall time mostly measures the other tenants.
 *
 * <pre>
 * mvn -B -q -pl langchain4j-titans install -DskipTests
 * mvn -B -q -pl integration-tests compile dependency:build-classpath -Dmdep.outputFile=target/bench.cp
 * java -cp integration-tests/target/classes:$(cat integration-tests/target/bench.cp) \
 *     dev.titans4j.bench.memory.MemoryThroughputBench [seconds=3] [dims=384,896] [threads=1,2]
 * </pre>
 */
public final class MemoryThroughputBench {

    private MemoryThroughputBench() {
    }

    public static void main(String[] args) throws Exception {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 3;
        int[] dims = parse(args.length > 1 ? args[1] : "384,896");
        int[] threads = parse(args.length > 2 ? args[2] : "1,2");
        System.out.printf(Locale.ROOT, "# cores=%d java=%s load(1m)=%.2f%n", Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.version"),
                java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        double encodeMs = encodeSegment();
        System.out.printf(Locale.ROOT, "%-5s %-3s %-14s %-14s %-14s %-14s %-10s %-10s %-12s %-12s %-12s %-12s%n", "d",
                "thr", "write1 items/s", "write1 ms/item", "write1 cpu ms", "writeC items/s", "read p50ms", "read p95ms",
                "readcpu p50", "readcpu p95", "wall w1/enc", "cpu w1/enc");
        for (int d : dims) {
            for (int t : threads) {
                double[] r = measure(d, t, seconds);
                double wallMs = 1000.0 * t / r[0];
                System.out.printf(Locale.ROOT,
                        "%-5d %-3d %-14.0f %-14.3f %-14.3f %-14.0f %-10.3f %-10.3f %-12.3f %-12.3f %-12s %-12s%n",
                        d, t, r[0], wallMs, r[4], r[1], r[2], r[3], r[5], r[6],
                        String.format(Locale.ROOT, "%.2f%%", 100 * wallMs / encodeMs),
                        String.format(Locale.ROOT, "%.2f%%", 100 * r[4] / encodeCpuMs));
            }
        }
    }

    private static double encodeCpuMs;

    private static long processCpuNanos() {
        java.lang.management.OperatingSystemMXBean os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        return os instanceof com.sun.management.OperatingSystemMXBean sun ? sun.getProcessCpuTime() : -1;
    }

    private static long threadCpuNanos() {
        return java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
    }

    /** Median milliseconds to embed one 64-token segment (1 thread calling; ONNX Runtime threads as default). */
    static double encodeSegment() {
        AllMiniLmL6V2EmbeddingModel model = new AllMiniLmL6V2EmbeddingModel();
        StringBuilder text = new StringBuilder();
        String[] words = {"the", "cat", "sat", "on", "a", "mat", "and", "then", "it", "went", "to", "sleep"};
        for (int i = 0; i < 64; i++) {
            text.append(words[i % words.length]).append(' ');
        }
        TextSegment segment = TextSegment.from(text.toString().trim());
        Response<?> first = model.embedAll(List.of(segment));
        for (int i = 0; i < 10; i++) {
            model.embedAll(List.of(segment));
        }
        double[] ms = new double[40];
        long cpu0 = processCpuNanos();
        for (int i = 0; i < ms.length; i++) {
            long t0 = System.nanoTime();
            model.embedAll(List.of(segment));
            ms[i] = (System.nanoTime() - t0) / 1e6;
        }
        encodeCpuMs = (processCpuNanos() - cpu0) / 1e6 / ms.length;
        double median = Percentiles.of(ms, 50);
        System.out.printf(Locale.ROOT, "# all-MiniLM-L6-v2 segment: %s input tokens, encode wall p50 %.3f ms, p95 %.3f ms,"
                        + " process CPU %.3f ms per segment (all ONNX Runtime threads)%n",
                first.tokenUsage() == null ? "?" : first.tokenUsage().inputTokenCount(), median,
                Percentiles.of(ms, 95), encodeCpuMs);
        return median;
    }

    /**
     * {single-item write items/s (all threads), chunk-batch write items/s, read wall p50 ms, read wall p95 ms,
     * single-item write CPU ms per item (mean over threads), read CPU p50 ms, read CPU p95 ms}.
     */
    static double[] measure(int d, int threads, double seconds) throws Exception {
        MemoryConfig config = MemoryConfig.builder().inputDimension(d).build();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<double[]>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                long seed = 31L * d + t;
                Callable<double[]> job = () -> measureOne(config, seconds, seed);
                futures.add(pool.submit(job));
            }
            double single = 0;
            double batch = 0;
            double cpuMs = 0;
            List<Double> reads = new ArrayList<>();
            List<Double> readCpu = new ArrayList<>();
            for (Future<double[]> f : futures) {
                double[] r = f.get();
                single += r[0];
                batch += r[1];
                cpuMs += r[2] / threads;
                int n = (r.length - 3) / 2;
                for (int i = 0; i < n; i++) {
                    reads.add(r[3 + i]);
                    readCpu.add(r[3 + n + i]);
                }
            }
            double[] readMs = reads.stream().mapToDouble(Double::doubleValue).toArray();
            double[] readCpuMs = readCpu.stream().mapToDouble(Double::doubleValue).toArray();
            return new double[] {single, batch, Percentiles.of(readMs, 50), Percentiles.of(readMs, 95),
                cpuMs, Percentiles.of(readCpuMs, 50), Percentiles.of(readCpuMs, 95)};
        } finally {
            pool.shutdown();
        }
    }

    private static double[] measureOne(MemoryConfig config, double seconds, long seed) {
        int d = config.inputDimension();
        Random rnd = new Random(seed);
        double[][] items = BenchVectors.units(rnd, 1024, d);
        NeuralMemory memory = NeuralMemory.create(config);
        // warm-up: JIT-compile write and read paths
        long warm = System.nanoTime();
        int w = 0;
        while (System.nanoTime() - warm < 1e9) {
            memory.write(new double[][] {items[w++ % items.length]}, null);
            memory.read(items[w % items.length]);
        }
        int single = 0;
        long cpu0 = threadCpuNanos();
        long t0 = System.nanoTime();
        while (System.nanoTime() - t0 < seconds * 1e9) {
            memory.write(new double[][] {items[single++ % items.length]}, null);
        }
        double singleRate = single / ((System.nanoTime() - t0) / 1e9);
        double singleCpuMs = (threadCpuNanos() - cpu0) / 1e6 / single;
        int c = config.chunkSize();
        int batched = 0;
        long t1 = System.nanoTime();
        while (System.nanoTime() - t1 < seconds * 1e9) {
            double[][] chunk = new double[c][];
            for (int i = 0; i < c; i++) {
                chunk[i] = items[(batched + i) % items.length];
            }
            memory.write(chunk, null);
            batched += c;
        }
        double batchRate = batched / ((System.nanoTime() - t1) / 1e9);
        int reads = 2000;
        double[] out = new double[3 + 2 * reads];
        out[0] = singleRate;
        out[1] = batchRate;
        out[2] = singleCpuMs;
        for (int i = 0; i < reads; i++) {
            long c0 = threadCpuNanos();
            long r0 = System.nanoTime();
            memory.read(items[i % items.length]);
            out[3 + i] = (System.nanoTime() - r0) / 1e6;
            out[3 + reads + i] = (threadCpuNanos() - c0) / 1e6;
        }
        return out;
    }

    private static int[] parse(String csv) {
        String[] parts = csv.split(",");
        int[] out = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            out[i] = Integer.parseInt(parts[i].trim());
        }
        return out;
    }
}
