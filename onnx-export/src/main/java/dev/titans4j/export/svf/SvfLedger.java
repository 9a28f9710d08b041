package dev.titans4j.export.svf;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * The SVDs of the adapted matrices, computed while the model is written: each weight's two factors are streamed
 * one after the other, so a decomposition is freed after its second use. Decompositions of the next few matrices
 * (in registration order) run ahead on background threads, as many as cores and a quarter of the heap allow, so
 * export time is not one SVD after another. Singular values are kept for {@code svf.safetensors}.
 */
public final class SvfLedger implements AutoCloseable {

    private record Job(String name, Supplier<float[]> weight, int rows, int cols) {
        long workingBytes() {
            long r = Math.min(rows, cols);
            return 8L * (rows * r + r * cols + r * r) + 4L * rows * cols;
        }
    }

    private final List<Job> jobs = new ArrayList<>();
    private final Map<String, Integer> index = new HashMap<>();
    private final Map<String, CompletableFuture<SvfFactors>> running = new HashMap<>();
    private final Map<String, Integer> uses = new HashMap<>();
    private final Set<String> finished = new HashSet<>();
    private final Map<String, double[]> singularValues = Collections.synchronizedMap(new LinkedHashMap<>());
    private ExecutorService pool;

    /** Declares a matrix to decompose; the order of registration is the order the writer will ask. */
    public synchronized void register(String name, Supplier<float[]> weight, int rows, int cols) {
        if (index.putIfAbsent(name, jobs.size()) != null) {
            throw new IllegalArgumentException("matrix registered twice: " + name);
        }
        jobs.add(new Job(name, weight, rows, cols));
    }

    /** {rows, cols} of a registered matrix (its name may be a block of a fused checkpoint tensor). */
    public synchronized int[] shape(String name) {
        Integer i = index.get(name);
        if (i == null) {
            throw new IllegalArgumentException("matrix not registered: " + name);
        }
        return new int[] {jobs.get(i).rows(), jobs.get(i).cols()};
    }

    /** The factors of {@code name}; the second call for a name releases them. */
    public SvfFactors factors(String name) {
        CompletableFuture<SvfFactors> future;
        synchronized (this) {
            Integer i = index.get(name);
            if (i == null) {
                throw new IllegalArgumentException("matrix not registered: " + name);
            }
            if (finished.contains(name)) {
                throw new IllegalStateException("factors of " + name + " were already released");
            }
            int ahead = lookahead(jobs.get(i));
            for (int j = i; j < jobs.size() && j <= i + ahead; j++) {
                submit(jobs.get(j));
            }
            future = running.get(name);
        }
        SvfFactors f;
        try {
            f = future.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw e;
        }
        synchronized (this) {
            if (uses.merge(name, 1, Integer::sum) == 2) {
                running.remove(name);
                finished.add(name);
                if (finished.size() == jobs.size()) {
                    close();
                }
            }
        }
        return f;
    }

    /** Singular values (descending) by weight name, for the matrices decomposed so far. */
    public Map<String, double[]> singularValues() {
        return singularValues;
    }

    private void submit(Job job) {
        if (running.containsKey(job.name()) || finished.contains(job.name())) {
            return;
        }
        if (pool == null) {
            pool = Executors.newFixedThreadPool(threads(), r -> {
                Thread t = new Thread(r, "svd");
                t.setDaemon(true);
                return t;
            });
        }
        running.put(job.name(), CompletableFuture.supplyAsync(() -> {
            SvfFactors f = decompose(job);
            singularValues.put(job.name(), f.singularValues());
            return f;
        }, pool));
    }

    /** A decomposition that fails is reported as bad input naming the weight, not as an arithmetic error. */
    private static SvfFactors decompose(Job job) {
        float[] weight = job.weight().get();
        try {
            return Svd.factor(weight, job.rows(), job.cols());
        } catch (ArithmeticException e) {
            throw new UncheckedIOException(new IOException("tensor '" + job.name()
                    + "': singular value decomposition failed (" + e.getMessage() + ")", e));
        }
    }

    private static int threads() {
        return Math.max(1, Math.min(8, Runtime.getRuntime().availableProcessors()));
    }

    /** How many matrices may be decomposed ahead of the current one within a quarter of the heap. */
    private static int lookahead(Job job) {
        long budget = Runtime.getRuntime().maxMemory() / 4;
        long fits = budget / Math.max(1, job.workingBytes()) - 1;
        return (int) Math.max(0, Math.min(threads(), fits));
    }

    @Override
    public synchronized void close() {
        if (pool != null) {
            pool.shutdownNow();
            pool = null;
        }
    }
}
