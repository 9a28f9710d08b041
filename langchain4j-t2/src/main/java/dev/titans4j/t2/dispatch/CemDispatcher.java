package dev.titans4j.t2.dispatch;

import dev.langchain4j.model.chat.request.ChatRequest;
import dev.titans4j.t2.OnnxChatEngine;
import dev.titans4j.t2.svf.ExpertMix;
import dev.titans4j.t2.svf.SvfAdapter;
import dev.titans4j.t2.svf.SvfExpert;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Transformer²'s few-shot dispatch: for a task given by a handful of labelled examples, the cross-entropy method
 * searches the mixture weights α over the experts (scored by {@link FewShotScorer}: accuracy, ties broken by
 * log-likelihood). The search runs once per task, on its first request (or {@link #adapt} ahead of time), and is
 * cached; later requests of the task pay nothing. Every candidate, the base model included, is scored on the SVF
 * graph; when the base wins, the task's requests run without experts and so on the plain companion, the same base
 * model with its weights quantised directly. Thread-safe.
 *
 * <p>Search space. By default one α per expert ({@code per_layer=false} in Sakana's {@code WeightedCombination});
 * {@link Builder#perMatrix(boolean)} searches one α per expert per adapted matrix (their {@code per_layer=true}, the
 * setting of their released few-shot script {@code scripts/eval_few_shot.sh}): K experts × L matrices weights, laid
 * out expert-major as their {@code adaptive_weights[K, L]} is flattened, so the search has K·L dimensions (e.g. 3
 * experts × 96 matrices of an 8B Llama = 288) and needs more generations for the same accuracy. Matrices no expert
 * adapts keep the base and get no weights; a matrix whose weights are all zero keeps the base too.
 *
 * <p>How α is used, against Sakana's code. Their {@code norm_coeffs} divides each matrix's weights by their sum
 * (the released script turns it off); with the sum-preserving rescale of Sakana experts that changes nothing, since
 * a common factor on all of one matrix's weights cancels, so there is no such option here (for the same reason the
 * start mean, the middle of [0, 1], gives the same mix as their start 1/K). They mix the experts' raw pre-sigmoid parameters
 * ({@code WeightedCombination.get_mask} returns {@code p}); this class mixes in z space as the paper writes it (see
 * {@link SvfAdapter}). For the elite ranking, tie-break and best member, see {@link CrossEntropyMethod}; the
 * tie-break score itself is the mean, over all examples, of the answer's summed token log-likelihood, where
 * Sakana's is the mean over the correctly answered examples of their per-token mean (0 when none is correct).
 */
public final class CemDispatcher implements Dispatcher {

    /** A task's adaptation: the mix found, its score on the examples and what the search cost. */
    public record Adaptation(String task, ExpertMix mix, FewShotScore score, int evaluations, DispatchCost cost) {
    }

    private final OnnxChatEngine engine;
    private final SvfAdapter adapter;
    private final List<SvfExpert> experts;
    private final CrossEntropyMethod cem;
    private final Map<String, List<FewShotExample>> tasks;
    private final Function<ChatRequest, String> taskOf;
    /** With per-matrix weights: the matrices any expert adapts, in model order; empty with one weight per expert. */
    private final List<String> mixedMatrices;
    private final Map<String, Adaptation> cache = new ConcurrentHashMap<>();

    private CemDispatcher(Builder b) {
        this.engine = Objects.requireNonNull(b.engine, "engine");
        this.adapter = Objects.requireNonNull(b.adapter, "adapter");
        if (b.experts.isEmpty()) {
            throw new IllegalArgumentException("Few-shot adaptation needs at least one expert");
        }
        this.experts = List.copyOf(b.experts);
        this.experts.forEach(adapter::check);
        this.cem = b.cem.build();
        if (b.tasks.isEmpty()) {
            throw new IllegalArgumentException("Add at least one task with its examples");
        }
        this.tasks = Map.copyOf(b.tasks);
        this.mixedMatrices = b.perMatrix ? adapter.singularValues().matrices().keySet().stream()
                .filter(w -> experts.stream().anyMatch(e -> e.values().containsKey(w))).toList() : List.of();
        if (b.taskOf != null) {
            this.taskOf = b.taskOf;
        } else if (tasks.size() == 1) {
            String only = tasks.keySet().iterator().next();
            this.taskOf = request -> only;
        } else {
            throw new IllegalArgumentException("With several tasks, set taskResolver to say which one a request is");
        }
    }

    @Override
    public Dispatch dispatch(ChatRequest request) {
        String task = taskOf.apply(request);
        boolean[] computed = {false};
        Adaptation a = cache.computeIfAbsent(requireTask(task), t -> {
            computed[0] = true;
            return search(t);
        });
        return new Dispatch(a.mix(), task, computed[0] ? a.cost() : DispatchCost.NONE);
    }

    /** Runs (or returns the cached) adaptation of a task. */
    public Adaptation adapt(String task) {
        return cache.computeIfAbsent(requireTask(task), this::search);
    }

    private String requireTask(String task) {
        if (task == null || !tasks.containsKey(task)) {
            throw new IllegalArgumentException("Unknown task '" + task + "'; known: " + tasks.keySet());
        }
        return task;
    }

    private Adaptation search(String task) {
        FewShotScorer scorer = new FewShotScorer(engine, tasks.get(task));
        long start = System.nanoTime();
        int dimensions = experts.size() * Math.max(1, mixedMatrices.size());
        CrossEntropyMethod.Result<FewShotScore> r = cem.maximise(dimensions,
                alphas -> scorer.score(adapter.multipliers(mixOf(alphas))), FewShotScore.ORDER);
        long millis = (System.nanoTime() - start) / 1_000_000;
        DispatchCost cost = new DispatchCost(r.evaluations() * scorer.exampleTokens(), 0, millis);
        return new Adaptation(task, mixOf(r.best()), r.bestScore(), r.evaluations(), cost);
    }

    /**
     * The mix of one CEM sample: one weight per expert, or with per-matrix weights {@code x[k·L + l]} for expert k
     * and matrix l (the expert weight reported in metadata is then its mean over the matrices, as Sakana logs it).
     * All-zero weights would zero every adapted matrix (z' = 0); CEM may sample them, they mean the base model.
     */
    ExpertMix mixOf(double[] x) {
        if (Arrays.stream(x).allMatch(a -> a <= 1e-9)) {
            return ExpertMix.base();
        }
        if (mixedMatrices.isEmpty()) {
            return ExpertMix.of(experts, x);
        }
        int matrices = mixedMatrices.size();
        double[] mean = new double[experts.size()];
        Map<String, double[]> byMatrix = new LinkedHashMap<>();
        for (int l = 0; l < matrices; l++) {
            double[] alphas = new double[experts.size()];
            for (int k = 0; k < alphas.length; k++) {
                alphas[k] = x[k * matrices + l];
                mean[k] += alphas[k] / matrices;
            }
            byMatrix.put(mixedMatrices.get(l), alphas);
        }
        return ExpertMix.of(experts, mean, byMatrix);
    }

    public static Builder builder() {
        return new Builder();
    }

    public static final class Builder {

        private OnnxChatEngine engine;
        private SvfAdapter adapter;
        private final List<SvfExpert> experts = new java.util.ArrayList<>();
        private final CrossEntropyMethod.Builder cem = CrossEntropyMethod.builder();
        private final Map<String, List<FewShotExample>> tasks = new LinkedHashMap<>();
        private Function<ChatRequest, String> taskOf;
        private boolean perMatrix;

        public Builder engine(OnnxChatEngine engine) {
            this.engine = engine;
            return this;
        }

        public Builder adapter(SvfAdapter adapter) {
            this.adapter = adapter;
            return this;
        }

        public Builder experts(List<SvfExpert> experts) {
            this.experts.addAll(experts);
            return this;
        }

        /** A task and its labelled examples. */
        public Builder task(String name, List<FewShotExample> examples) {
            tasks.put(Objects.requireNonNull(name, "name"), List.copyOf(examples));
            return this;
        }

        /** Which task a request belongs to (needed with several tasks). */
        public Builder taskResolver(Function<ChatRequest, String> taskOf) {
            this.taskOf = taskOf;
            return this;
        }

        /** CEM generations (default 50; the paper uses 50-100). */
        public Builder iterations(int iterations) {
            cem.iterations(iterations);
            return this;
        }

        /** CEM population (default 32). */
        public Builder population(int population) {
            cem.population(population);
            return this;
        }

        /** Share kept as elite (default 0.2). */
        public Builder eliteFraction(double eliteFraction) {
            cem.eliteFraction(eliteFraction);
            return this;
        }

        public Builder seed(long seed) {
            cem.seed(seed);
            return this;
        }

        /**
         * One weight per expert per adapted matrix instead of one per expert (Sakana's {@code per_layer}; default
         * false). The search then has experts × matrices dimensions.
         */
        public Builder perMatrix(boolean perMatrix) {
            this.perMatrix = perMatrix;
            return this;
        }

        public CemDispatcher build() {
            return new CemDispatcher(this);
        }
    }
}
