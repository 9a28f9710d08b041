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
    private final ConcurrentMap<String, LogContent> logs = new ConcurrentHashMap<>();

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
        boolean state = states.remove(memoryId) != null;
        return logs.remove(memoryId) != null || state;
    }

    @Override
    public Set<String> ids() {
        Set<String> ids = new java.util.HashSet<>(states.keySet());
        ids.addAll(logs.keySet());
        return Set.copyOf(ids);
    }

    @Override
    public boolean keepsLogsApart() {
        return true;
    }

    @Override
    public LogPosition append(String memoryId, byte[] record) {
        MemoryIds.requireValid(memoryId);
        java.util.Objects.requireNonNull(record, "record");
        LogPosition[] appended = new LogPosition[1];
        logs.compute(memoryId, (id, log) -> {
            LogContent l = log == null ? LogContent.create() : log;
            appended[0] = l.append(record);
            return l;
        });
        return appended[0];
    }

    @Override
    public MemoryLog readLog(String memoryId, long generation, long position) {
        MemoryIds.requireValid(memoryId);
        MemoryLog[] read = {MemoryLog.ABSENT};
        logs.computeIfPresent(memoryId, (id, log) -> {
            read[0] = log.read(generation, position);
            return log;
        });
        return read[0];
    }

    @Override
    public void saveSnapshot(String memoryId, long generation, long position, byte[] snapshot) {
        MemoryIds.requireValid(memoryId);
        java.util.Objects.requireNonNull(snapshot, "snapshot");
        logs.computeIfPresent(memoryId, (id, log) -> {
            log.snapshot(generation, position, snapshot);
            return log;
        });
    }

    /** Bytes this store holds for {@code memoryId}'s log: snapshot plus records (for benchmarks and tests). */
    public long logBytes(String memoryId) {
        long[] bytes = {0};
        logs.computeIfPresent(memoryId, (id, log) -> {
            bytes[0] = log.storedBytes();
            return log;
        });
        return bytes[0];
    }

    @Override
    public String toString() {
        return "InMemoryMemoryStateStore[" + states.size() + " ids]";
    }
}
