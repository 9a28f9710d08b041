package dev.titans4j.titans.chat;

import dev.langchain4j.data.message.UserMessage;
import dev.titans4j.titans.store.InMemoryMemoryStateStore;
import dev.titans4j.titans.store.MemoryStateStore;
import dev.titans4j.titans.store.MemoryStateStoreException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.doCallRealMethod;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.spy;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;

/** A periodic snapshot that fails must not fail the add whose record is already stored. */
class TitansChatMemorySnapshotFailureTest {

    private static TitansChatMemory memory(MemoryStateStore store) {
        return TitansChatMemory.builder().embeddingModel(new HashingEmbeddingModel()).id("chat").store(store)
                .maxMessages(10).snapshotEvery(2).recallInMessages(false).build();
    }

    @Test
    void an_add_whose_snapshot_fails_succeeds_once_and_the_next_add_saves_the_snapshot() {
        MemoryStateStore store = spy(new InMemoryMemoryStateStore()); // a store whose disk is full for a while
        TitansChatMemory chat = memory(store);
        chat.add(UserMessage.from("one"));
        doThrow(new MemoryStateStoreException("no space left on device"))
                .when(store).saveSnapshot(eq("chat"), anyLong(), anyLong(), any());

        chat.add(UserMessage.from("two")); // the second record: a snapshot is due and fails

        assertThat(memory(store).messages()).containsExactly(UserMessage.from("one"), UserMessage.from("two"));

        doCallRealMethod().when(store).saveSnapshot(eq("chat"), anyLong(), anyLong(), any());
        chat.add(UserMessage.from("three")); // not a snapshot position: it saves the one owed

        verify(store, times(2)).saveSnapshot(eq("chat"), anyLong(), anyLong(), any());
        verify(store).saveSnapshot(eq("chat"), anyLong(), eq(3L), any());
        assertThat(memory(store).messages()).containsExactly(UserMessage.from("one"), UserMessage.from("two"),
                UserMessage.from("three"));
    }
}
