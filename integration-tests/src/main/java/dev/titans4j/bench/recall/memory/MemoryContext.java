package dev.titans4j.bench.recall.memory;

import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;

import java.util.function.Supplier;

/**
 * What memory factories share during one benchmark run: the budget policy and one embedding model instance
 * (loaded on first use, so memories that do not embed never pay for it).
 */
public final class MemoryContext {

    private final BudgetPolicy policy;
    private final Supplier<EmbeddingModel> modelSupplier;
    private EmbeddingModel model;

    public MemoryContext(BudgetPolicy policy, Supplier<EmbeddingModel> modelSupplier) {
        this.policy = policy;
        this.modelSupplier = modelSupplier;
    }

    /** The benchmark's defaults: the in-process, offline all-MiniLM-L6-v2 (384 dimensions). */
    public static MemoryContext withMiniLm(BudgetPolicy policy) {
        return new MemoryContext(policy, AllMiniLmL6V2EmbeddingModel::new);
    }

    public BudgetPolicy policy() {
        return policy;
    }

    public synchronized EmbeddingModel embeddingModel() {
        if (model == null) {
            model = modelSupplier.get();
        }
        return model;
    }
}
