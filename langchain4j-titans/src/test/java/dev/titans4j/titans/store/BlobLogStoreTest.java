package dev.titans4j.titans.store;

import java.util.Optional;
import java.util.Set;

/**
 * A store that implements only the whole-state operations, as a third-party store written against the earlier SPI
 * would: the log operations are {@link MemoryStateStore}'s defaults, which keep the log inside one state blob.
 */
class BlobLogStoreTest extends MemoryStateStoreContractTest {

    private InMemoryMemoryStateStore shared;

    /** Delegates the four whole-state operations only. */
    private static final class BlobOnlyStore implements MemoryStateStore {
        private final InMemoryMemoryStateStore delegate;

        BlobOnlyStore(InMemoryMemoryStateStore delegate) {
            this.delegate = delegate;
        }

        @Override
        public Optional<StoredState> load(String memoryId) {
            return delegate.load(memoryId);
        }

        @Override
        public long save(String memoryId, byte[] state, long expectedVersion) {
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
    }

    @Override
    protected MemoryStateStore newStore() {
        shared = new InMemoryMemoryStateStore();
        return new BlobOnlyStore(shared);
    }

    @Override
    protected MemoryStateStore sameStorageStore() {
        return new BlobOnlyStore(shared);
    }
}
