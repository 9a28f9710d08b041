package dev.titans4j.titans.memory.train;

import dev.titans4j.titans.memory.Activation;
import dev.titans4j.titans.memory.MemoryConfig;
import dev.titans4j.titans.memory.MemoryParameters;
import dev.titans4j.titans.memory.NeuralMemory;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Random;

/**
 * Learns the key and query projections W_K, W_Q of a neural memory with antithetic evolution strategies (ES).
 *
 * <p><b>What it trains on:</b> only synthetic {@link RecallTask} episodes generated from a seeded random number
 * generator: K random items are written to a fresh memory, then each item is read back with a question vector that
 * shares the item's "topic" half (plus noise) but has an unrelated random "detail" half. Never bAbI, the haystack
 * or any other evaluation data. W_V stays as it is (identity by default), gates and initial memory too.
 *
 * <p><b>Objective:</b> for the read output y of question i, the softmax over cosines {@code cos(y, v_j)/τ} of all
 * stored items' values v_j (v_j = SiLU(x_j·W_V) when the config applies SiLU) should put its mass on j = i; the
 * fitness is the mean log-probability of the right item. ES estimates its gradient from paired perturbations
 * ±σ·ε evaluated on the same episodes. Held-out accuracy (top-1) of the trained parameters is compared with the
 * starting (identity) parameters on episodes from another seed; the file is written only when training beats the
 * start by more than two standard errors.
 *
 * <pre>
 * mvn -q -pl langchain4j-titans compile
 * java -cp langchain4j-titans/target/classes dev.titans4j.titans.memory.train.OuterLoopTrainer \
 *     [--dimension 32] [--items 8] [--generations 150] [--population 24] [--seed 1] [--out memory.ttnp]
 * </pre>
 * The memory configuration is the default one ({@link MemoryConfig} defaults) at the given dimension.
 */
public final class OuterLoopTrainer {

    private static final double TEMPERATURE = 0.1;
    private static final double NOISE = 0.3;

    private final MemoryConfig config;
    private final int items;
    private final int episodesPerGeneration;

    OuterLoopTrainer(MemoryConfig config, int items, int episodesPerGeneration) {
        this.config = config;
        this.items = items;
        this.episodesPerGeneration = episodesPerGeneration;
    }

    public static void main(String[] args) throws IOException {
        int dimension = 32;
        int items = 8;
        int generations = 150;
        int population = 24;
        long seed = 1;
        Path out = null;
        for (int i = 0; i < args.length; i += 2) {
            String value = i + 1 < args.length ? args[i + 1] : null;
            if (value == null) {
                throw new IllegalArgumentException("missing value after " + args[i]);
            }
            switch (args[i]) {
                case "--dimension" -> dimension = Integer.parseInt(value);
                case "--items" -> items = Integer.parseInt(value);
                case "--generations" -> generations = Integer.parseInt(value);
                case "--population" -> population = Integer.parseInt(value);
                case "--seed" -> seed = Long.parseLong(value);
                case "--out" -> out = Path.of(value);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        MemoryConfig config = MemoryConfig.builder().inputDimension(dimension).build();
        OuterLoopTrainer trainer = new OuterLoopTrainer(config, items, 6);
        MemoryParameters start = MemoryParameters.defaults(config);
        MemoryParameters trained = trainer.train(start, generations, population, seed);

        Random heldOut = new Random(seed + 1_000_003L);
        double[] base = trainer.accuracy(start, 300, new Random(seed + 1_000_003L));
        double[] after = trainer.accuracy(trained, 300, heldOut);
        System.out.printf(Locale.ROOT, "held-out top-1 accuracy (300 episodes x %d questions): start %.3f ± %.3f, "
                + "trained %.3f ± %.3f%n", items, base[0], base[1], after[0], after[1]);
        boolean better = after[0] - base[0] > 2 * Math.hypot(base[1], after[1]);
        if (out != null) {
            if (better) {
                trained.save(out);
                System.out.println("wrote " + out.toAbsolutePath());
            } else {
                System.out.println("not written: the trained parameters do not beat the start on held-out data");
            }
        }
    }

    /** Runs ES from {@code start}; prints the training fitness every 10 generations. */
    MemoryParameters train(MemoryParameters start, int generations, int population, long seed) {
        int d = config.inputDimension();
        int dk = config.keyDimension();
        double[] theta = concat(start.keyProjection(), start.queryProjection());
        double[] wv = start.valueProjection();
        Random rnd = new Random(seed);
        double sigma = 0.02;
        double learningRate = 0.02;
        double[] m = new double[theta.length];
        double[] v = new double[theta.length];
        for (int g = 1; g <= generations; g++) {
            long episodeSeed = rnd.nextLong();
            double[] grad = new double[theta.length];
            double[] eps = new double[theta.length];
            for (int p = 0; p < population / 2; p++) {
                for (int i = 0; i < eps.length; i++) {
                    eps[i] = rnd.nextGaussian();
                }
                double plus = fitness(with(start, theta, eps, sigma, wv, d, dk), new Random(episodeSeed));
                double minus = fitness(with(start, theta, eps, -sigma, wv, d, dk), new Random(episodeSeed));
                double w = (plus - minus) / (2 * sigma * (population / 2));
                for (int i = 0; i < eps.length; i++) {
                    grad[i] += w * eps[i];
                }
            }
            // Adam ascent step on the ES gradient estimate
            for (int i = 0; i < theta.length; i++) {
                m[i] = 0.9 * m[i] + 0.1 * grad[i];
                v[i] = 0.999 * v[i] + 0.001 * grad[i] * grad[i];
                double mh = m[i] / (1 - Math.pow(0.9, g));
                double vh = v[i] / (1 - Math.pow(0.999, g));
                theta[i] += learningRate * mh / (Math.sqrt(vh) + 1e-8);
            }
            if (g % 10 == 0) {
                double f = fitness(with(start, theta, null, 0, wv, d, dk), new Random(seed * 31 + g));
                System.out.printf(Locale.ROOT, "generation %d fitness %.4f%n", g, f);
            }
        }
        return with(start, theta, null, 0, wv, d, dk);
    }

    private static MemoryParameters with(MemoryParameters start, double[] theta, double[] eps, double scale,
                                         double[] wv, int d, int dk) {
        double[] wk = new double[d * dk];
        double[] wq = new double[d * dk];
        for (int i = 0; i < wk.length; i++) {
            wk[i] = theta[i] + (eps == null ? 0 : scale * eps[i]);
            wq[i] = theta[wk.length + i] + (eps == null ? 0 : scale * eps[wk.length + i]);
        }
        return start.withProjections(wk, wv, wq);
    }

    /** Mean log-probability of the right item over a batch of episodes. */
    double fitness(MemoryParameters parameters, Random rnd) {
        double sum = 0;
        int count = 0;
        for (int e = 0; e < episodesPerGeneration; e++) {
            RecallTask task = RecallTask.sample(rnd, config.inputDimension(), items, NOISE);
            double[][] scores = scores(parameters, task);
            for (int i = 0; i < items; i++) {
                double max = Double.NEGATIVE_INFINITY;
                for (double s : scores[i]) {
                    max = Math.max(max, s);
                }
                double z = 0;
                for (double s : scores[i]) {
                    z += Math.exp(s - max);
                }
                sum += scores[i][i] - max - Math.log(z);
                count++;
            }
        }
        return sum / count;
    }

    /** {mean top-1 accuracy, its standard error over episodes}. */
    double[] accuracy(MemoryParameters parameters, int episodes, Random rnd) {
        double sum = 0;
        double sq = 0;
        for (int e = 0; e < episodes; e++) {
            RecallTask task = RecallTask.sample(rnd, config.inputDimension(), items, NOISE);
            double[][] scores = scores(parameters, task);
            int hits = 0;
            for (int i = 0; i < items; i++) {
                int best = 0;
                for (int j = 1; j < items; j++) {
                    if (scores[i][j] > scores[i][best]) {
                        best = j;
                    }
                }
                hits += best == i ? 1 : 0;
            }
            double acc = (double) hits / items;
            sum += acc;
            sq += acc * acc;
        }
        double mean = sum / episodes;
        double var = Math.max(0, sq / episodes - mean * mean);
        return new double[] {mean, Math.sqrt(var / episodes)};
    }

    /** scores[i][j] = cos(read(question i), value of item j) / τ after writing the episode's items. */
    private double[][] scores(MemoryParameters parameters, RecallTask task) {
        NeuralMemory memory = NeuralMemory.create(config, parameters);
        memory.write(task.items, null);
        memory.flush();
        double[] wv = parameters.valueProjection();
        double[][] values = new double[items][];
        for (int j = 0; j < items; j++) {
            values[j] = RecallTask.normalize(value(task.items[j], wv));
        }
        double[][] scores = new double[items][items];
        for (int i = 0; i < items; i++) {
            double[] y = RecallTask.normalize(memory.read(task.questions[i]));
            for (int j = 0; j < items; j++) {
                double c = 0;
                for (int k = 0; k < y.length; k++) {
                    c += y[k] * values[j][k];
                }
                scores[i][j] = c / TEMPERATURE;
            }
        }
        return scores;
    }

    /** v = SiLU(x·W_V) (or x·W_V without the activation), as the memory computes it (no convolution). */
    private double[] value(double[] x, double[] wv) {
        int dv = config.valueDimension();
        double[] v = new double[dv];
        for (int i = 0; i < x.length; i++) {
            for (int j = 0; j < dv; j++) {
                v[j] += x[i] * wv[i * dv + j];
            }
        }
        if (config.projectionActivation()) {
            for (int j = 0; j < dv; j++) {
                v[j] = Activation.SILU.apply(v[j]);
            }
        }
        return v;
    }

    private static double[] concat(double[] a, double[] b) {
        double[] out = new double[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
