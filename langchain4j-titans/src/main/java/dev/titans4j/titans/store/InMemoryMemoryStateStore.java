package dev.titans4j.titans.store;

import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Keeps states in a {@link ConcurrentHashMap} of this instance: for tests and for memories that need not outlive
 * the process. Bytes are copied on the way in and out, so callers can never change a stored state by accident.
 * Thread-safe; the version check is atomic per id ({@link ConcurrentMap#compute}). Two instances share nothing.
 */
public final class InMemoryMemoryStateStore implements MemoryStateStore {

    private final ConcurrentMap<String, StoredState> states = new ConcurrentHashMap<>();

    @Override
    public Optional<StoredState> load(String memoryId) {
        MemoryIds.requireValid(memoryId);
        StoredState state = states.get(memoryId);
        return state == null ? Optional.empty() : Optional.of(new StoredState(state.bytes().clone(), state.version()));
    }

    @Override
    public long save(String memoryId, byte[] state, long expectedVersion) {
        SaveArguments.check(memoryId, state, expectedVersion);
        byte[] copy = state.clone();
        StoredState saved = states.compute(memoryId, (id, current) -> {
            long actual = current == null ? StateConflictException.ABSENT : current.version();
            if (actual != expectedVersion) {
                throw new StateConflictException(id, expectedVersion, actual);
            }
            return new StoredState(copy, current == null ? FirstVersions.next() : expectedVersion + 1);
        });
        return saved.version();
    }

    @Override
    public boolean delete(String memoryId) {
        MemoryIds.requireValid(memoryId);
        return states.remove(memoryId) != null;
    }

    @Override
    public Set<String> ids() {
        return Set.copyOf(states.keySet());
    }

    @Override
    public String toString() {
        return "InMemoryMemoryStateStore[" + states.size() + " ids]";
    }
}
