package dev.titans4j.bench.decode;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Measures this machine's memory read bandwidth the way decoding uses it: threads summing disjoint halves of one
 * large array (far larger than any cache), timed together; the median of several passes.
 */
final class BandwidthProbe {

    private final long[] data;
    private volatile long sink;

    /** @param megabytes array size; it must dwarf the last-level cache (256 MB or more) */
    BandwidthProbe(int megabytes) {
        data = new long[megabytes * (1 << 20) / Long.BYTES];
        for (int i = 0; i < data.length; i++) {
            data[i] = i * 0x9E3779B97F4A7C15L; // touch every page with non-zero data
        }
    }

    /** Median GB/s (10^9 bytes) over {@code passes} full reads with {@code threads} threads. */
    double gigabytesPerSecond(int threads, int passes) throws Exception {
        double[] rates = new double[passes];
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            readAll(pool, threads); // warm-up: thread start, JIT
            for (int p = 0; p < passes; p++) {
                long start = System.nanoTime();
                readAll(pool, threads);
                rates[p] = (double) data.length * Long.BYTES / (System.nanoTime() - start);
            }
        } finally {
            pool.shutdownNow();
        }
        return Stats.median(rates);
    }

    private void readAll(ExecutorService pool, int threads) throws Exception {
        sink = sumInParts(pool, threads, data.length, this::sum);
    }

    /** Sums of index ranges [from, to). */
    interface RangeSum {
        long sum(int from, int to);
    }

    /** {@code threads} disjoint, contiguous parts of {@code [0, length)} summed at once on {@code pool}. */
    static long sumInParts(ExecutorService pool, int threads, int length, RangeSum sum) throws Exception {
        @SuppressWarnings("unchecked")
        Future<Long>[] parts = new Future[threads];
        for (int t = 0; t < threads; t++) {
            int from = (int) ((long) length * t / threads);
            int to = (int) ((long) length * (t + 1) / threads);
            parts[t] = pool.submit(() -> sum.sum(from, to));
        }
        long total = 0;
        for (Future<Long> part : parts) {
            total += part.get();
        }
        return total;
    }

    /** Four independent accumulators so the adds keep up with memory; C2 also vectorises this loop. */
    private long sum(int from, int to) {
        long a = 0;
        long b = 0;
        long c = 0;
        long d = 0;
        int i = from;
        for (; i + 3 < to; i += 4) {
            a += data[i];
            b += data[i + 1];
            c += data[i + 2];
            d += data[i + 3];
        }
        for (; i < to; i++) {
            a += data[i];
        }
        return a + b + c + d;
    }
}
