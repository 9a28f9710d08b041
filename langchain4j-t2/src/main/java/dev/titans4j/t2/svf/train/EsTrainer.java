package dev.titans4j.t2.svf.train;

import dev.langchain4j.data.message.UserMessage;
import dev.titans4j.t2.OnnxChatEngine;
import dev.titans4j.t2.engine.GenerationRequest;
import dev.titans4j.t2.engine.TokenSelector;
import dev.titans4j.t2.generation.SamplingParameters;
import dev.titans4j.t2.svf.SvfAdapter;
import dev.titans4j.t2.svf.SvfExpert;
import dev.titans4j.t2.svf.SvfExpertFile;
import dev.titans4j.t2.svf.SvfMultipliers;
import dev.titans4j.t2.svf.ValueKind;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;

/**
 * Trains an expert's vectors for a {@link Reward} with forward passes only: antithetic evolution strategies.
 * Each iteration draws {@code pairs} Gaussian directions ε over all expert values, generates completions of the
 * training prompts with {@code z + σε} and {@code z − σε} (the same sampling seeds for both, so the pair differs only
 * by the perturbation), turns the mean rewards into centred ranks u and steps
 * {@code z ← z + lr · Σ (u⁺ − u⁻) ε / (2·pairs·σ)}.
 *
 * <p>Versus the paper: Transformer² trains z with REINFORCE, backpropagating the policy gradient through the model
 * into the singular-value scales, which needs autodiff (and the activations of every sampled token). ES estimates
 * the same kind of gradient of the expected reward from reward differences alone, so it runs on the inference
 * graph, but needs many more generations per step and its noise grows with the number of values; it suits small
 * models and coarse rewards, not a 1B-parameter model's full expert in minutes.
 *
 * <p>Checkpoints ({@code expert-latest.safetensors} + {@code trainer-state.json}) are written every
 * {@code checkpointEvery} iterations; {@link #train} resumes from them when present. Every iteration's noise and
 * sampling seeds derive from the seed and the iteration number, so a resumed run equals an uninterrupted one. The
 * state file is the commit point: it names the expert file of its own iteration ({@code expert-N.safetensors},
 * written before it), so a checkpoint that fails half way leaves the previous one whole.
 */
public final class EsTrainer {

    /** The trained expert and the mean population reward of each iteration. */
    public record Result(SvfExpert expert, List<Double> rewardHistory) {
    }

    private final OnnxChatEngine engine;
    private final SvfAdapter adapter;
    private final Reward reward;
    private final List<String> prompts;
    private final int iterations;
    private final int pairs;
    private final double sigma;
    private final double learningRate;
    private final int maxOutputTokens;
    private final double temperature;
    private final long seed;
    private final Path checkpointDir;
    private final int checkpointEvery;
    private final PrintStream progress;

    private EsTrainer(Builder b) {
        this.engine = Objects.requireNonNull(b.engine, "engine");
        this.adapter = Objects.requireNonNull(b.adapter, "adapter");
        this.reward = Objects.requireNonNull(b.reward, "reward");
        if (b.prompts == null || b.prompts.isEmpty()) {
            throw new IllegalArgumentException("Training needs at least one prompt");
        }
        this.prompts = List.copyOf(b.prompts);
        this.iterations = b.iterations;
        this.pairs = b.pairs;
        this.sigma = b.sigma;
        this.learningRate = b.learningRate;
        this.maxOutputTokens = b.maxOutputTokens;
        this.temperature = b.temperature;
        this.seed = b.seed;
        this.checkpointDir = b.checkpointDir;
        this.checkpointEvery = b.checkpointEvery;
        this.progress = b.progress;
    }

    /** Trains from {@code start} (or from the checkpoint in {@code checkpointDir}, when there is one). */
    public Result train(SvfExpert start) {
        adapter.check(start);
        SvfExpert expert = start;
        int first = 0;
        List<Double> history = new ArrayList<>();
        double best = Double.NEGATIVE_INFINITY;
        if (checkpointDir != null && Files.isRegularFile(checkpointDir.resolve(TrainerState.FILE))) {
            TrainerState state = TrainerState.read(checkpointDir);
            if (state.seed() != seed) {
                throw new IllegalArgumentException(checkpointDir + " holds a run with seed " + state.seed()
                        + ", this trainer uses " + seed + "; use another folder or the same seed");
            }
            // states written before they named their expert used the latest file
            String file = state.expertFile() != null ? state.expertFile() : latestFile();
            expert = adapter.check(SvfExpertFile.read(checkpointDir.resolve(file)));
            first = state.iterationsDone();
            history.addAll(state.rewardHistory());
            best = state.bestReward();
        }
        String[] names = expert.values().keySet().toArray(String[]::new);
        float[] z = flatten(expert, names);
        ProgressBar bar = new ProgressBar(progress, first, iterations);
        for (int it = first; it < iterations; it++) {
            Random noise = new Random(seed * 1_000_003L + it);
            double[][] eps = new double[pairs][z.length];
            double[] plus = new double[pairs];
            double[] minus = new double[pairs];
            for (int p = 0; p < pairs; p++) {
                for (int j = 0; j < z.length; j++) {
                    eps[p][j] = noise.nextGaussian();
                }
                plus[p] = meanReward(expert, names, perturb(z, eps[p], sigma, expert.kind()), it);
                minus[p] = meanReward(expert, names, perturb(z, eps[p], -sigma, expert.kind()), it);
            }
            double[] ranks = centredRanks(plus, minus);
            float[] next = z.clone();
            for (int j = 0; j < z.length; j++) {
                double g = 0;
                for (int p = 0; p < pairs; p++) {
                    g += (ranks[p] - ranks[pairs + p]) * eps[p][j];
                }
                next[j] = clip((float) (z[j] + learningRate * g / (2 * pairs * sigma)), expert.kind());
            }
            z = next;
            expert = expert.withValues(unflatten(z, expert, names));
            double mean = (Arrays.stream(plus).sum() + Arrays.stream(minus).sum()) / (2.0 * pairs);
            history.add(mean);
            best = Math.max(best, mean);
            bar.update(it + 1, mean, best);
            if (checkpointDir != null && ((it + 1) % checkpointEvery == 0 || it + 1 == iterations)) {
                checkpoint(expert, it + 1, best, history);
            }
        }
        return new Result(expert, history);
    }

    /**
     * The mean reward of {@code expert} over the training prompts, one completion each (deterministic with
     * temperature 0; sampled with the seeds of iteration 0 otherwise): to compare experts before and after training.
     */
    public double meanReward(SvfExpert expert) {
        return meanReward(adapter.multipliers(adapter.check(expert)), 0);
    }

    /** Mean reward of one candidate (sampling seeds fixed per iteration and prompt). */
    private double meanReward(SvfExpert template, String[] names, float[] values, int iteration) {
        return meanReward(adapter.multipliers(template.withValues(unflatten(values, template, names))), iteration);
    }

    private double meanReward(SvfMultipliers m, int iteration) {
        double total = 0;
        for (int i = 0; i < prompts.size(); i++) {
            total += reward.score(prompts.get(i), complete(prompts.get(i), m, seed + 7919L * iteration + i));
        }
        return total / prompts.size();
    }

    /** One sampled completion of {@code prompt} with the given multipliers (also used to evaluate experts). */
    public String complete(String prompt, SvfMultipliers multipliers, long sampleSeed) {
        int[] ids = engine.promptIds(List.of(UserMessage.from(prompt)));
        SamplingParameters sampling = temperature == 0 ? SamplingParameters.greedy()
                : SamplingParameters.builder().temperature(temperature).seed(sampleSeed).build();
        TokenSelector selector = TokenSelector.sampling(sampling, ids, engine.model().vocabSize());
        GenerationRequest request = new GenerationRequest(ids, maxOutputTokens, engine.stopTokenIds(), List.of());
        return engine.generator().generate(request, selector, multipliers.asMap(), piece -> { }, () -> false).text();
    }

    /**
     * Writes the expert of iteration {@code done} under its own name, then the state naming it (the commit point),
     * then the copy {@code expert-latest.safetensors} for users; the expert of the previous state is removed last.
     */
    private void checkpoint(SvfExpert expert, int done, double best, List<Double> history) {
        String file = "expert-" + done + ".safetensors";
        Path previous = null;
        try {
            Files.createDirectories(checkpointDir);
            if (Files.isRegularFile(checkpointDir.resolve(TrainerState.FILE))) {
                String old = TrainerState.read(checkpointDir).expertFile();
                previous = old == null || old.equals(file) ? null : checkpointDir.resolve(old);
            }
            writeAtomically(expert, checkpointDir.resolve(file));
            new TrainerState(done, seed, best, history, file).write(checkpointDir);
            writeAtomically(expert, checkpointDir.resolve(latestFile()));
            if (previous != null) {
                Files.deleteIfExists(previous);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Could not write the checkpoint in " + checkpointDir, e);
        }
    }

    private static void writeAtomically(SvfExpert expert, Path file) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        SvfExpertFile.write(expert, tmp);
        Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    static String latestFile() {
        return "expert-latest.safetensors";
    }

    private static float[] perturb(float[] z, double[] eps, double scale, ValueKind kind) {
        float[] out = new float[z.length];
        for (int j = 0; j < z.length; j++) {
            out[j] = clip((float) (z[j] + scale * eps[j]), kind);
        }
        return out;
    }

    /** z multipliers stay non-negative (a negative one would flip a singular direction); logits are free. */
    private static float clip(float v, ValueKind kind) {
        return kind == ValueKind.Z ? Math.max(0f, v) : v;
    }

    /** Centred ranks in [-0.5, 0.5] of all 2·pairs rewards (plus first, then minus): robust to the reward's scale. */
    static double[] centredRanks(double[] plus, double[] minus) {
        int n = plus.length + minus.length;
        double[] all = new double[n];
        System.arraycopy(plus, 0, all, 0, plus.length);
        System.arraycopy(minus, 0, all, plus.length, minus.length);
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Double.compare(all[a], all[b]));
        double[] ranks = new double[n];
        int i = 0;
        while (i < n) { // ties share their mean rank
            int j = i;
            while (j + 1 < n && all[order[j + 1]] == all[order[i]]) {
                j++;
            }
            double rank = (i + j) / 2.0;
            for (int k = i; k <= j; k++) {
                ranks[order[k]] = n == 1 ? 0 : rank / (n - 1) - 0.5;
            }
            i = j + 1;
        }
        return ranks;
    }

    private static float[] flatten(SvfExpert expert, String[] names) {
        int size = 0;
        for (String n : names) {
            size += expert.values().get(n).length;
        }
        float[] z = new float[size];
        int at = 0;
        for (String n : names) {
            float[] v = expert.values().get(n);
            System.arraycopy(v, 0, z, at, v.length);
            at += v.length;
        }
        return z;
    }

    private static Map<String, float[]> unflatten(float[] z, SvfExpert template, String[] names) {
        Map<String, float[]> values = new LinkedHashMap<>();
        int at = 0;
        for (String n : names) {
            int len = template.values().get(n).length;
            values.put(n, Arrays.copyOfRange(z, at, at + len));
            at += len;
        }
        return values;
    }

    public static Builder builder() {
        return new Builder();
    }

    public static final class Builder {

        private OnnxChatEngine engine;
        private SvfAdapter adapter;
        private Reward reward;
        private List<String> prompts;
        private int iterations = 30;
        private int pairs = 8;
        private double sigma = 0.1;
        private double learningRate = 0.05;
        private int maxOutputTokens = 64;
        private double temperature = 0.8;
        private long seed = 1;
        private Path checkpointDir;
        private int checkpointEvery = 5;
        private PrintStream progress;

        public Builder engine(OnnxChatEngine engine) {
            this.engine = engine;
            return this;
        }

        public Builder adapter(SvfAdapter adapter) {
            this.adapter = adapter;
            return this;
        }

        public Builder reward(Reward reward) {
            this.reward = reward;
            return this;
        }

        /** Training prompts (user messages); every candidate is scored on all of them. */
        public Builder prompts(List<String> prompts) {
            this.prompts = prompts;
            return this;
        }

        public Builder iterations(int iterations) {
            this.iterations = positive(iterations, "iterations");
            return this;
        }

        /** Antithetic pairs per iteration (2 × pairs candidates). */
        public Builder pairs(int pairs) {
            this.pairs = positive(pairs, "pairs");
            return this;
        }

        /** Noise scale σ in value units. */
        public Builder sigma(double sigma) {
            if (!(sigma > 0)) {
                throw new IllegalArgumentException("sigma must be positive");
            }
            this.sigma = sigma;
            return this;
        }

        public Builder learningRate(double learningRate) {
            if (!(learningRate > 0)) {
                throw new IllegalArgumentException("learningRate must be positive");
            }
            this.learningRate = learningRate;
            return this;
        }

        public Builder maxOutputTokens(int maxOutputTokens) {
            this.maxOutputTokens = positive(maxOutputTokens, "maxOutputTokens");
            return this;
        }

        /** Sampling temperature of training completions (0 = greedy). */
        public Builder temperature(double temperature) {
            if (temperature < 0) {
                throw new IllegalArgumentException("temperature must be >= 0");
            }
            this.temperature = temperature;
            return this;
        }

        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /** Where checkpoints go (and are resumed from); null = none. */
        public Builder checkpointDir(Path checkpointDir) {
            this.checkpointDir = checkpointDir;
            return this;
        }

        public Builder checkpointEvery(int checkpointEvery) {
            this.checkpointEvery = positive(checkpointEvery, "checkpointEvery");
            return this;
        }

        /** Where the progress bar is drawn (e.g. System.err); null = silent. */
        public Builder progress(PrintStream progress) {
            this.progress = progress;
            return this;
        }

        public EsTrainer build() {
            return new EsTrainer(this);
        }

        private static int positive(int v, String name) {
            if (v < 1) {
                throw new IllegalArgumentException(name + " must be at least 1, got " + v);
            }
            return v;
        }
    }
}
