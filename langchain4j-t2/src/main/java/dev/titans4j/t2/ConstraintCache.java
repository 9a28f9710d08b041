package dev.titans4j.t2;

import dev.titans4j.t2.constrain.JsonConstraint;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Compiled constraints by what they were compiled from (a JSON schema, a tool list), least recently used evicted:
 * an agent asking for the same schema or tools on every turn compiles once, and the constraint's per-state mask
 * cache stays warm.
 */
final class ConstraintCache {

    private final Map<Object, JsonConstraint> entries;

    ConstraintCache(int capacity) {
        this.entries = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Object, JsonConstraint> eldest) {
                return size() > capacity;
            }
        };
    }

    /**
     * Compiles outside the lock, so a slow schema never blocks requests for other constraints; when two threads
     * compile the same key at once, the first result stored wins and both use it.
     */
    JsonConstraint get(Object key, Supplier<JsonConstraint> compile) {
        synchronized (this) {
            JsonConstraint cached = entries.get(key);
            if (cached != null) {
                return cached;
            }
        }
        JsonConstraint compiled = compile.get();
        synchronized (this) {
            JsonConstraint raced = entries.putIfAbsent(key, compiled);
            return raced != null ? raced : compiled;
        }
    }
}
