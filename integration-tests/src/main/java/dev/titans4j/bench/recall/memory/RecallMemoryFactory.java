package dev.titans4j.bench.recall.memory;

/** Creates a fresh, empty memory for one conversation (memories never share state across conversations). */
@FunctionalInterface
public interface RecallMemoryFactory {

    RecallMemory create();
}
