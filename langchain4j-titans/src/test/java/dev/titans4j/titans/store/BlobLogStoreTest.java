package dev.titans4j.titans.store;

import dev.titans4j.titans.format.CorruptStateException;
import dev.titans4j.titans.format.Envelope;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

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

    @Test
    void aDamagedLogBlobIsReportedAndNeverReplacedByANewLog() {
        store.append("blob", bytes("acknowledged"));
        StoredState saved = store.load("blob").orElseThrow();
        byte[] damaged = saved.bytes().clone();
        damaged[damaged.length - 12] ^= 0x01; // a byte of the record
        long version = store.save("blob", damaged, saved.version());

        assertThatThrownBy(() -> store.readLog("blob", 0, 0)).isInstanceOf(CorruptStateException.class)
                .hasMessageContaining("CRC32C mismatch");
        assertThatThrownBy(() -> store.append("blob", bytes("next"))).isInstanceOf(CorruptStateException.class);
        assertThatThrownBy(() -> store.saveSnapshot("blob", 1, 1, bytes("snapshot")))
                .isInstanceOf(CorruptStateException.class);
        assertThat(store.load("blob").orElseThrow()).isEqualTo(new StoredState(damaged, version));
    }

    @Test
    void aLogBlobOfANewerFormatIsReportedAndNeverReplaced() {
        byte[] newer = Envelope.wrap("titans4j.log-blob", 2, randomBytes(3, 40));
        long version = store.save("newer", newer, 0);

        assertThatThrownBy(() -> store.readLog("newer", 0, 0)).isInstanceOf(CorruptStateException.class)
                .hasMessageContaining("too new");
        assertThatThrownBy(() -> store.append("newer", bytes("next"))).isInstanceOf(CorruptStateException.class);
        assertThat(store.load("newer").orElseThrow()).isEqualTo(new StoredState(newer, version));
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
