package dev.titans4j.titans.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class VersionedUpdaterTest {

    private final MemoryStateStore store = new InMemoryMemoryStateStore();

    @Test
    void succeedsOnALaterAttemptAfterConflicts() {
        VersionedUpdater updater = VersionedUpdater.builder().maxAttempts(4).initialBackoff(Duration.ZERO)
                .maxBackoff(Duration.ZERO).build();
        int[] calls = {0};
        long[] firstVersion = {0};

        StoredState saved = updater.update(store, "id", current -> {
            if (++calls[0] < 3) {
                StoredState other = store.update("id", o -> MemoryStateStoreContractTest.counter(
                        MemoryStateStoreContractTest.valueOf(o) + 10));
                if (calls[0] == 1) {
                    firstVersion[0] = other.version(); // the other writer created the state
                }
            }
            return MemoryStateStoreContractTest.counter(MemoryStateStoreContractTest.valueOf(current) + 1);
        });

        assertThat(calls[0]).isEqualTo(3);
        assertThat(saved.version()).as("created, then two of ours lost, the third won")
                .isEqualTo(firstVersion[0] + 2);
        assertThat(MemoryStateStoreContractTest.valueOf(store.load("id").map(StoredState::bytes))).isEqualTo(21);
    }

    @Test
    void nullResultIsAClearError() {
        assertThatThrownBy(() -> store.update("id", current -> null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the change to memory state 'id' returned null");
        assertThat(store.load("id")).isEmpty();
    }

    @Test
    void exceptionsFromTheChangePropagateAndWriteNothing() {
        long version = store.save("id", new byte[] {1}, 0);

        assertThatThrownBy(() -> store.update("id", current -> {
            throw new IllegalStateException("cannot decode");
        })).hasMessage("cannot decode");
        assertThat(store.load("id")).contains(new StoredState(new byte[] {1}, version));
    }

    @Test
    void interruptedBackOffStopsWithTheFlagKept() {
        VersionedUpdater slow = VersionedUpdater.builder().maxAttempts(3).initialBackoff(Duration.ofSeconds(5))
                .maxBackoff(Duration.ofSeconds(5)).build();
        Thread.currentThread().interrupt();
        try {
            assertThatThrownBy(() -> slow.update(store, "id", current -> {
                store.update("id", other -> new byte[] {9});
                return new byte[] {1};
            })).isInstanceOf(MemoryStateStoreException.class)
                    .hasMessage("interrupted while retrying the update of memory state 'id'");
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
        }
    }

    @Test
    void builderRejectsNonsense() {
        assertThatThrownBy(() -> VersionedUpdater.builder().maxAttempts(0))
                .hasMessage("maxAttempts must be at least 1, got 0");
        assertThatThrownBy(() -> VersionedUpdater.builder().initialBackoff(Duration.ofMillis(-1)))
                .hasMessageContaining("initialBackoff must be zero or positive");
        assertThatThrownBy(() -> VersionedUpdater.builder().maxBackoff(null))
                .hasMessageContaining("maxBackoff must be zero or positive, got null");
        assertThatThrownBy(() -> VersionedUpdater.builder().initialBackoff(Duration.ofSeconds(2))
                .maxBackoff(Duration.ofSeconds(1)).build())
                .hasMessageContaining("is shorter than initialBackoff");
        assertThat(VersionedUpdater.withDefaults().maxAttempts()).isEqualTo(VersionedUpdater.DEFAULT_MAX_ATTEMPTS);
    }
}
