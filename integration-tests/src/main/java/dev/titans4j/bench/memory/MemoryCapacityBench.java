package dev.titans4j.bench.memory;

import dev.titans4j.titans.memory.GateSpec;
import dev.titans4j.titans.memory.MemoryConfig;
import dev.titans4j.titans.memory.MemoryParameters;
import dev.titans4j.titans.memory.NeuralMemory;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Capacity curve of the Titans neural memory: store N random unit key → random unit value pairs (one pass, one
 * item per step, chunk size 1), then read every key back and report the mean recall error ‖M(k_i) − v_i‖² and
 * the top-1 retrieval accuracy (is v_i the stored value closest to M(k_i) by cosine), over all pairs and over the
 * 32 most recent ones (where forgetting helps). An all-zero answer has error
 * 1; a random unit answer about 2. Linear vs deep memory, each with and without forgetting (α). The deep memory
 * here is the 2-layer GELU MLP (expansion 4) without the residual: with unrelated random keys and values the
 * residual only adds the key to every answer (measured: clearly worse at every θ tried).
 *
 * <p>Inputs are x = [k ; v] with projections selecting the halves, no SiLU and no normalisation, so the memory sees
 * exactly the random keys and values.
 *
 * <pre>
 * mvn -B -q -pl langchain4j-titans install -DskipTests
 * mvn -B -q -pl integration-tests compile dependency:build-classpath -Dmdep.outputFile=target/bench.cp
 * java -cp integration-tests/target/classes:$(cat integration-tests/target/bench.cp) \
 *     dev.titans4j.bench.memory.MemoryCapacityBench [keyDim=64] [trials=3]
 * </pre>
 */
public final class MemoryCapacityBench {

    private MemoryCapacityBench() {
    }

    record Variant(String name, MemoryConfig config) {
    }

    public static void main(String[] args) {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 64;
        int trials = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        int[] counts = {8, 16, 32, 64, 96, 128, 192, 256, 384, 512};
        System.out.printf(Locale.ROOT, "# capacity: key/value dim %d, %d trials, one pass, chunk size 1%n", n, trials);
        table(variants(n), counts, n, trials);
        System.out.printf(Locale.ROOT, "%n# write-rule variants of the deep memory: chunk size and momentum%n");
        table(ruleVariants(n), counts, n, trials);
    }

    private static void table(List<Variant> variants, int[] counts, int n, int trials) {
        for (Variant v : variants) {
            System.out.printf(Locale.ROOT, "# %-28s %s%n", v.name(), v.config().describe());
        }
        StringBuilder header = new StringBuilder(String.format(Locale.ROOT, "%-6s", "pairs"));
        for (Variant v : variants) {
            header.append(String.format(Locale.ROOT, " | %-30s", v.name() + " err/acc/recent"));
        }
        System.out.println(header);
        for (int count : counts) {
            StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "%-6d", count));
            for (Variant v : variants) {
                double err = 0;
                double acc = 0;
                double recent = 0;
                for (int t = 0; t < trials; t++) {
                    double[] r = run(v.config(), n, count, 1000L * count + t);
                    err += r[0] / trials;
                    acc += r[1] / trials;
                    recent += r[2] / trials;
                }
                row.append(String.format(Locale.ROOT, " | %-30s", String.format(Locale.ROOT, "%.3f / %5.1f%% / %5.1f%%",
                        err, 100 * acc, 100 * recent)));
            }
            System.out.println(row);
        }
    }

    static List<Variant> variants(int n) {
        List<Variant> out = new ArrayList<>();
        out.add(new Variant("linear θ=0.5", base(n).linear().theta(GateSpec.fixed(0.5))
                .alpha(GateSpec.fixed(0)).build()));
        out.add(new Variant("linear θ=0.5 α=0.02", base(n).linear().theta(GateSpec.fixed(0.5))
                .alpha(GateSpec.fixed(0.02)).build()));
        out.add(new Variant("deep L2 θ=0.1", base(n).layers(2).residual(false)
                .theta(GateSpec.fixed(0.1)).alpha(GateSpec.fixed(0)).build()));
        out.add(new Variant("deep L2 θ=0.1 α=0.005", base(n).layers(2).residual(false)
                .theta(GateSpec.fixed(0.1)).alpha(GateSpec.fixed(0.005)).build()));
        out.add(new Variant("deep L2 θ=0.3", base(n).layers(2).residual(false)
                .theta(GateSpec.fixed(0.3)).alpha(GateSpec.fixed(0)).build()));
        return out;
    }

    /** Deep memory (θ = 0.1) written in chunks of 8 and 32, and with momentum η = 0.5 at half the θ. */
    static List<Variant> ruleVariants(int n) {
        List<Variant> out = new ArrayList<>();
        out.add(new Variant("deep θ=0.1 C=1", base(n).layers(2).residual(false).theta(GateSpec.fixed(0.1))
                .alpha(GateSpec.fixed(0)).build()));
        out.add(new Variant("deep θ=0.1 C=8", base(n).layers(2).residual(false).chunkSize(8)
                .theta(GateSpec.fixed(0.1)).alpha(GateSpec.fixed(0)).build()));
        out.add(new Variant("deep θ=0.1 C=32", base(n).layers(2).residual(false).chunkSize(32)
                .theta(GateSpec.fixed(0.1)).alpha(GateSpec.fixed(0)).build()));
        out.add(new Variant("deep θ=0.05 η=0.5 C=1", base(n).layers(2).residual(false)
                .theta(GateSpec.fixed(0.05)).eta(GateSpec.fixed(0.5)).alpha(GateSpec.fixed(0)).build()));
        return out;
    }

    private static MemoryConfig.Builder base(int n) {
        return MemoryConfig.builder().inputDimension(2 * n).keyDimension(n).valueDimension(n)
                .projectionActivation(false).normalizeQueryKey(false).chunkSize(1).eta(GateSpec.fixed(0));
    }

    /** Accuracy is also reported for the most recent pairs only, where forgetting should help. */
    static final int RECENT = 32;

    /** {mean recall error, top-1 accuracy, top-1 accuracy on the last {@link #RECENT} pairs} after storing pairs. */
    static double[] run(MemoryConfig config, int n, int count, long seed) {
        Random rnd = new Random(seed);
        double[][] keys = BenchVectors.units(rnd, count, n);
        double[][] values = BenchVectors.units(rnd, count, n);
        NeuralMemory memory = NeuralMemory.create(config, keyValueParameters(config));
        double[][] xs = new double[count][];
        for (int i = 0; i < count; i++) {
            xs[i] = concat(keys[i], values[i]);
        }
        memory.write(xs, null);
        memory.flush();
        double err = 0;
        int hits = 0;
        int recentHits = 0;
        int recentFrom = Math.max(0, count - RECENT);
        for (int i = 0; i < count; i++) {
            double[] y = memory.readKey(keys[i]);
            err += BenchVectors.squaredDistance(y, values[i]);
            int best = -1;
            double bestCos = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < count; j++) {
                double cos = BenchVectors.dot(y, values[j]);
                if (cos > bestCos) {
                    bestCos = cos;
                    best = j;
                }
            }
            hits += best == i ? 1 : 0;
            recentHits += best == i && i >= recentFrom ? 1 : 0;
        }
        return new double[] {err / count, (double) hits / count, (double) recentHits / (count - recentFrom)};
    }

    static MemoryParameters keyValueParameters(MemoryConfig config) {
        int n = config.keyDimension();
        double[] wk = new double[2 * n * n];
        double[] wv = new double[2 * n * n];
        for (int i = 0; i < n; i++) {
            wk[i * n + i] = 1.0;
            wv[(n + i) * n + i] = 1.0;
        }
        return MemoryParameters.defaults(config).withProjections(wk, wv, wk.clone());
    }

    private static double[] concat(double[] a, double[] b) {
        double[] out = new double[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
