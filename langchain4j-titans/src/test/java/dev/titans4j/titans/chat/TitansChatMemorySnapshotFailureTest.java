package dev.titans4j.titans.chat;

import dev.langchain4j.data.message.UserMessage;
import dev.titans4j.titans.store.InMemoryMemoryStateStore;
import dev.titans4j.titans.store.LogPosition;
import dev.titans4j.titans.store.MemoryLog;
import dev.titans4j.titans.store.MemoryStateStore;
import dev.titans4j.titans.store.MemoryStateStoreException;
import dev.titans4j.titans.store.StoredState;
import org.junit.jupiter.api.Test;

import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** A periodic snapshot that fails must not fail the add whose record is already stored. */
class TitansChatMemorySnapshotFailureTest {

    /** A store whose snapshots fail while {@code failing} is set (a full disk, a dropped connection). */
    private static final class FailingSnapshots implements MemoryStateStore {
        final InMemoryMemoryStateStore inner = new InMemoryMemoryStateStore();
        boolean failing;
        int snapshots;

        @Override
        public Optional<StoredState> load(String memoryId) {
            return inner.load(memoryId);
        }

        @Override
        public long save(String memoryId, byte[] state, long expectedVersion) {
            return inner.save(memoryId, state, expectedVersion);
        }

        @Override
        public boolean delete(String memoryId) {
            return inner.delete(memoryId);
        }

        @Override
        public Set<String> ids() {
            return inner.ids();
        }

        @Override
        public LogPosition append(String memoryId, byte[] record) {
            return inner.append(memoryId, record);
        }

        @Override
        public MemoryLog readLog(String memoryId, long generation, long position) {
            return inner.readLog(memoryId, generation, position);
        }

        @Override
        public void saveSnapshot(String memoryId, long generation, long position, byte[] snapshot) {
            if (failing) {
                throw new MemoryStateStoreException("no space left on device");
            }
            snapshots++;
            inner.saveSnapshot(memoryId, generation, position, snapshot);
        }
    }

    private static TitansChatMemory memory(MemoryStateStore store) {
        return TitansChatMemory.builder().embeddingModel(new HashingEmbeddingModel()).id("chat").store(store)
                .maxMessages(10).snapshotEvery(2).recallInMessages(false).build();
    }

    @Test
    void an_add_whose_snapshot_fails_succeeds_once_and_the_next_add_saves_the_snapshot() {
        FailingSnapshots store = new FailingSnapshots();
        TitansChatMemory chat = memory(store);
        chat.add(UserMessage.from("one"));
        store.failing = true;

        chat.add(UserMessage.from("two")); // the second record: a snapshot is due and fails

        assertThat(memory(store).messages()).containsExactly(UserMessage.from("one"), UserMessage.from("two"));
        assertThat(store.snapshots).isZero();

        store.failing = false;
        chat.add(UserMessage.from("three")); // not a snapshot position: it saves the one owed

        assertThat(store.snapshots).isEqualTo(1);
        assertThat(memory(store).messages()).containsExactly(UserMessage.from("one"), UserMessage.from("two"),
                UserMessage.from("three"));
    }
}
