package dev.titans4j.titans.chat;

import dev.langchain4j.memory.chat.ChatMemoryProvider;

import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * A {@link ChatMemoryProvider} of {@link TitansChatMemory}s with strict per-id isolation: each id gets its own
 * memory (own window, archive, neural state, own key in the store), created once per provider from the factory and
 * reused, so every thread working on one id shares that memory's lock. The factory must build a memory with the
 * id it is given (checked).
 */
public final class TitansChatMemoryProvider implements ChatMemoryProvider {

    private final Function<Object, TitansChatMemory.Builder> factory;
    private final Map<Object, TitansChatMemory> memories = new ConcurrentHashMap<>();

    private TitansChatMemoryProvider(Function<Object, TitansChatMemory.Builder> factory) {
        this.factory = factory;
    }

    /** {@code factory} returns a configured builder for an id, e.g. {@code id -> TitansChatMemory.builder().id(id)…}. */
    public static TitansChatMemoryProvider of(Function<Object, TitansChatMemory.Builder> factory) {
        return new TitansChatMemoryProvider(Objects.requireNonNull(factory, "factory must not be null"));
    }

    @Override
    public TitansChatMemory get(Object memoryId) {
        Objects.requireNonNull(memoryId, "memoryId must not be null");
        return memories.computeIfAbsent(memoryId, id -> {
            TitansChatMemory memory = factory.apply(id).build();
            if (!memory.id().equals(id)) {
                throw new IllegalStateException("the factory built a memory with id '" + memory.id()
                        + "' for id '" + id + "'");
            }
            return memory;
        });
    }

    /** Forgets everything of {@code memoryId} (its stored state included); other ids are untouched. */
    public void delete(Object memoryId) {
        get(memoryId).clear();
        memories.remove(memoryId);
    }
}
