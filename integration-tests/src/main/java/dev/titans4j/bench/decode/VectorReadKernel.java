package dev.titans4j.bench.decode;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/** {@link VectorBandwidthProbe}'s measuring side, in a JVM started with {@code --add-modules jdk.incubator.vector}. */
final class VectorReadKernel {

    static final String RESULT = "GBPS ";
    private static final VectorSpecies<Long> SPECIES = LongVector.SPECIES_PREFERRED;

    private final long[] data;

    private VectorReadKernel(int megabytes) {
        data = new long[megabytes * (1 << 20) / Long.BYTES];
        for (int i = 0; i < data.length; i++) {
            data[i] = i * 0x9E3779B97F4A7C15L; // touch every page with non-zero data
        }
    }

    /** Arguments: {@code MEGABYTES THREADS PASSES}; prints {@code GBPS <fastest pass>}. */
    public static void main(String[] args) throws Exception {
        VectorReadKernel probe = new VectorReadKernel(Integer.parseInt(args[0]));
        int threads = Integer.parseInt(args[1]);
        int passes = Integer.parseInt(args[2]);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            long expected = 0;
            for (long v : probe.data) {
                expected += v;
            }
            for (int warmUp = 0; warmUp < 3; warmUp++) { // thread start, C2 compiling the vector loop
                long sum = probe.readAll(pool, threads);
                if (sum != expected) { // a pass that skipped data would read fast and mean nothing
                    throw new IllegalStateException("the vector read summed " + sum + ", the array holds "
                            + expected);
                }
            }
            double[] rates = new double[passes];
            for (int p = 0; p < passes; p++) {
                long start = System.nanoTime();
                probe.readAll(pool, threads);
                rates[p] = (double) probe.data.length * Long.BYTES / (System.nanoTime() - start);
            }
            System.out.println(RESULT + java.util.Arrays.stream(rates).max().orElseThrow());
        } finally {
            pool.shutdownNow();
        }
    }

    private long readAll(ExecutorService pool, int threads) throws Exception {
        return BandwidthProbe.sumInParts(pool, threads, data.length, this::sum);
    }

    /**
     * Sums {@code [from, to)} as four interleaved streams (its quarters, one accumulator each): a core keeps more
     * cache-line fills in flight for four streams than for one, so one sequential stream reads less than the core
     * can (and than a decode step, which reads several matrices' rows at once, streams).
     */
    private long sum(int from, int to) {
        int n = SPECIES.length();
        int quarter = (to - from) / 4 / n * n;
        int q1 = from + quarter;
        int q2 = q1 + quarter;
        int q3 = q2 + quarter;
        LongVector a = LongVector.zero(SPECIES);
        LongVector b = a;
        LongVector c = a;
        LongVector d = a;
        for (int i = 0; i < quarter; i += n) {
            a = a.add(LongVector.fromArray(SPECIES, data, from + i));
            b = b.add(LongVector.fromArray(SPECIES, data, q1 + i));
            c = c.add(LongVector.fromArray(SPECIES, data, q2 + i));
            d = d.add(LongVector.fromArray(SPECIES, data, q3 + i));
        }
        long total = a.add(b).add(c).add(d).reduceLanes(VectorOperators.ADD);
        for (int i = q3 + quarter; i < to; i++) {
            total += data[i];
        }
        return total;
    }
}
