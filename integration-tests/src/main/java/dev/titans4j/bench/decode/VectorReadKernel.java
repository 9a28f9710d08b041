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
            for (int warmUp = 0; warmUp < 3; warmUp++) { // thread start, C2 compiling the vector loop
                probe.readAll(pool, threads);
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

    private long sum(int from, int to) {
        int n = SPECIES.length();
        LongVector a = LongVector.zero(SPECIES);
        LongVector b = a;
        LongVector c = a;
        LongVector d = a;
        int i = from;
        for (; i + 4 * n <= to; i += 4 * n) {
            a = a.add(LongVector.fromArray(SPECIES, data, i));
            b = b.add(LongVector.fromArray(SPECIES, data, i + n));
            c = c.add(LongVector.fromArray(SPECIES, data, i + 2 * n));
            d = d.add(LongVector.fromArray(SPECIES, data, i + 3 * n));
        }
        long total = a.add(b).add(c).add(d).reduceLanes(VectorOperators.ADD);
        for (; i < to; i++) {
            total += data[i];
        }
        return total;
    }
}
