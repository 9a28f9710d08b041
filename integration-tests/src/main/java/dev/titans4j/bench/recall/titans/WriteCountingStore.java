package dev.titans4j.bench.recall.titans;

import dev.titans4j.titans.store.LogPosition;
import dev.titans4j.titans.store.MemoryLog;
import dev.titans4j.titans.store.MemoryStateStore;
import dev.titans4j.titans.store.StoredState;

import java.util.Optional;
import java.util.Set;

/** Passes every call to a store and counts the bytes written to it (states, log records, snapshots). */
final class WriteCountingStore implements MemoryStateStore {

    private final MemoryStateStore delegate;
    private long written;

    WriteCountingStore(MemoryStateStore delegate) {
        this.delegate = delegate;
    }

    long bytesWritten() {
        return written;
    }

    @Override
    public Optional<StoredState> load(String memoryId) {
        return delegate.load(memoryId);
    }

    @Override
    public long save(String memoryId, byte[] state, long expectedVersion) {
        written += state.length;
        return delegate.save(memoryId, state, expectedVersion);
    }

    @Override
    public boolean delete(String memoryId) {
        return delegate.delete(memoryId);
    }

    @Override
    public Set<String> ids() {
        return delegate.ids();
    }

    @Override
    public LogPosition append(String memoryId, byte[] record) {
        written += record.length;
        return delegate.append(memoryId, record);
    }

    @Override
    public boolean keepsLogsApart() {
        return delegate.keepsLogsApart();
    }

    @Override
    public MemoryLog readLog(String memoryId, long generation, long position) {
        return delegate.readLog(memoryId, generation, position);
    }

    @Override
    public void saveSnapshot(String memoryId, long generation, long position, byte[] snapshot) {
        written += snapshot.length;
        delegate.saveSnapshot(memoryId, generation, position, snapshot);
    }
}
