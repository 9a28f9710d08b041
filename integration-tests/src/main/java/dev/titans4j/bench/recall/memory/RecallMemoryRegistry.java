package dev.titans4j.bench.recall.memory;

import dev.titans4j.bench.recall.titans.TitansRecallMemory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The memories the benchmark knows by name, in report order. A memory whose implementation does not exist yet is
 * registered as unavailable, so {@code --memory all} reports it instead of silently dropping it.
 */
public final class RecallMemoryRegistry {

    public static final String NOT_AVAILABLE_YET = "not available yet";

    private final Map<String, Optional<RecallMemoryFactory>> entries = new LinkedHashMap<>();
    private final Map<String, String> reasons = new LinkedHashMap<>();

    /** window, embedding, bm25, hybrid, titans, titans-no-write, titans-exact-read. */
    public static RecallMemoryRegistry standard(MemoryContext context) {
        BudgetPolicy policy = context.policy();
        return new RecallMemoryRegistry()
                .register("window", WindowMemory::new)
                .register("embedding", () -> new RankedRecallMemory(
                        new EmbeddingRanker(context.embeddingModel()), policy))
                .register("bm25", () -> new RankedRecallMemory(new Bm25Ranker(), policy))
                .register("hybrid", () -> new RankedRecallMemory(new HybridRanker(context.embeddingModel(),
                        HybridRanker.Settings.tuned()), policy))
                .register("titans", () -> new TitansRecallMemory(context.embeddingModel(), policy,
                        TitansRecallMemory.Variant.TITANS))
                .register("titans-no-write", () -> new TitansRecallMemory(context.embeddingModel(), policy,
                        TitansRecallMemory.Variant.NO_WRITE))
                .register("titans-exact-read", () -> new TitansRecallMemory(context.embeddingModel(), policy,
                        TitansRecallMemory.Variant.EXACT_READ));
    }

    public RecallMemoryRegistry register(String name, RecallMemoryFactory factory) {
        entries.put(name, Optional.of(factory));
        reasons.remove(name);
        return this;
    }

    public RecallMemoryRegistry unavailable(String name, String reason) {
        entries.put(name, Optional.empty());
        reasons.put(name, reason);
        return this;
    }

    public List<String> names() {
        return new ArrayList<>(entries.keySet());
    }

    public boolean contains(String name) {
        return entries.containsKey(name);
    }

    /** The factory, or empty when the memory is registered but not available. */
    public Optional<RecallMemoryFactory> factory(String name) {
        Optional<RecallMemoryFactory> factory = entries.get(name);
        if (factory == null) {
            throw new IllegalArgumentException("unknown memory '" + name + "'; known: " + String.join(", ", names()));
        }
        return factory;
    }

    public String unavailableReason(String name) {
        return reasons.getOrDefault(name, "");
    }
}
