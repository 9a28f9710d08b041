package dev.titans4j.t2.dispatch;

import dev.langchain4j.model.chat.request.ChatRequest;
import dev.titans4j.t2.OnnxChatEngine;
import dev.titans4j.t2.svf.ExpertMix;
import dev.titans4j.t2.svf.SvfAdapter;
import dev.titans4j.t2.svf.SvfExpert;
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
        CrossEntropyMethod.Result<FewShotScore> r = cem.maximise(experts.size(),
                alphas -> scorer.score(adapter.multipliers(mixOf(alphas))), FewShotScore.ORDER);
        long millis = (System.nanoTime() - start) / 1_000_000;
        DispatchCost cost = new DispatchCost(r.evaluations() * scorer.exampleTokens(), 0, millis);
        return new Adaptation(task, mixOf(r.best()), r.bestScore(), r.evaluations(), cost);
    }

    /** All-zero weights would zero every adapted matrix (z' = 0); CEM may sample them, they mean the base model. */
    private ExpertMix mixOf(double[] alphas) {
        for (double a : alphas) {
            if (a > 1e-9) {
                return ExpertMix.of(experts, alphas);
            }
        }
        return ExpertMix.base();
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

        public CemDispatcher build() {
            return new CemDispatcher(this);
        }
    }
}
