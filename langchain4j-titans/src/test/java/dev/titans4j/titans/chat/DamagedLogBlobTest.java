package dev.titans4j.titans.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.langchain4j.data.message.UserMessage;
import dev.titans4j.titans.format.CorruptStateException;
import dev.titans4j.titans.store.InMemoryMemoryStateStore;
import dev.titans4j.titans.store.MemoryStateStore;
import dev.titans4j.titans.store.StoredState;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A store that implements only load/save/delete/ids keeps the log inside the id's state blob (the interface's
 * defaults). When that blob is damaged where it names its format, the memory must fail, not read as empty and then
 * replace the whole history with a new log at the next add.
 */
class DamagedLogBlobTest {

    /** The four methods a custom store must write; the log methods are the interface's defaults. */
    private static final class BlobOnlyStore implements MemoryStateStore {
        final InMemoryMemoryStateStore blobs = new InMemoryMemoryStateStore();

        @Override
        public Optional<StoredState> load(String memoryId) {
            return blobs.load(memoryId);
        }

        @Override
        public long save(String memoryId, byte[] state, long expectedVersion) {
            return blobs.save(memoryId, state, expectedVersion);
        }

        @Override
        public boolean delete(String memoryId) {
            return blobs.delete(memoryId);
        }

        @Override
        public Set<String> ids() {
            return blobs.ids();
        }
    }

    private static TitansChatMemory memory(MemoryStateStore store) {
        return TitansChatMemory.builder().embeddingModel(new HashingEmbeddingModel()).id("chat").store(store)
                .maxMessages(10).recallInMessages(false).build();
    }

    @Test
    void a_log_blob_damaged_in_its_header_fails_and_is_not_replaced() {
        BlobOnlyStore store = new BlobOnlyStore();
        TitansChatMemory chat = memory(store);
        chat.add(UserMessage.from("one"));
        chat.add(UserMessage.from("two"));
        StoredState stored = store.load("chat").orElseThrow();
        byte[] damaged = stored.bytes();
        damaged[0] ^= 0x20; // a bit flip in the magic number
        long version = store.save("chat", damaged, stored.version());

        TitansChatMemory reopened = memory(store);
        assertThatThrownBy(reopened::messages).isInstanceOf(CorruptStateException.class)
                .hasMessageContaining("chat");
        assertThatThrownBy(() -> reopened.add(UserMessage.from("three"))).isInstanceOf(CorruptStateException.class);

        StoredState after = store.load("chat").orElseThrow();
        assertThat(after.version()).isEqualTo(version);
        assertThat(after.bytes()).isEqualTo(damaged);
    }

    /**
     * A store that passes every call to another (counting, caching, tracing) declares the log methods itself, so
     * they say nothing about where its delegate keeps the log: a damaged log blob behind it must still fail.
     */
    @Test
    void a_damaged_log_blob_behind_a_delegating_store_fails_and_is_not_replaced() {
        BlobOnlyStore blobs = new BlobOnlyStore();
        memory(blobs).add(UserMessage.from("one"));
        StoredState stored = blobs.load("chat").orElseThrow();
        byte[] damaged = stored.bytes();
        damaged[0] ^= 0x20;
        long version = blobs.save("chat", damaged, stored.version());
        MemoryStateStore wrapper = (MemoryStateStore) java.lang.reflect.Proxy.newProxyInstance(
                MemoryStateStore.class.getClassLoader(), new Class<?>[] {MemoryStateStore.class},
                (proxy, method, args) -> {
                    try {
                        return method.invoke(blobs, args);
                    } catch (java.lang.reflect.InvocationTargetException e) {
                        throw e.getCause();
                    }
                });

        TitansChatMemory reopened = memory(wrapper);
        assertThatThrownBy(() -> reopened.add(UserMessage.from("two"))).isInstanceOf(CorruptStateException.class);

        StoredState after = blobs.load("chat").orElseThrow();
        assertThat(after.version()).isEqualTo(version);
        assertThat(after.bytes()).isEqualTo(damaged);
    }

    /** Stores with real logs keep whole states apart: a state saved under the id is not a damaged log. */
    @Test
    void a_whole_state_beside_the_log_of_a_store_with_real_logs_is_left_alone() {
        InMemoryMemoryStateStore store = new InMemoryMemoryStateStore();
        byte[] neural = "a neural memory's own state".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        long version = store.save("chat", neural, 0);

        TitansChatMemory chat = memory(store);
        chat.add(UserMessage.from("one"));

        assertThat(memory(store).messages()).containsExactly(UserMessage.from("one"));
        StoredState after = store.load("chat").orElseThrow();
        assertThat(after.version()).isEqualTo(version);
        assertThat(after.bytes()).isEqualTo(neural);
    }
}
