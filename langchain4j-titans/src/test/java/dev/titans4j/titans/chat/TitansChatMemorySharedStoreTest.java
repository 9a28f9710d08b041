package dev.titans4j.titans.chat;

import dev.langchain4j.data.message.UserMessage;
import dev.titans4j.titans.store.InMemoryMemoryStateStore;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Two instances (two application nodes) sharing one store must read each other's writes. */
class TitansChatMemorySharedStoreTest {

    private static TitansChatMemory.Builder memory(InMemoryMemoryStateStore store) {
        return TitansChatMemory.builder().embeddingModel(new HashingEmbeddingModel()).id("shared").store(store)
                .recallInMessages(false);
    }

    @Test
    void reads_see_what_another_instance_saved() {
        InMemoryMemoryStateStore store = new InMemoryMemoryStateStore();
        TitansChatMemory a = memory(store).maxMessages(2).build();
        TitansChatMemory b = memory(store).maxMessages(2).build();
        a.add(UserMessage.from("first"));
        assertThat(b.messages()).containsExactly(UserMessage.from("first")); // b loads now

        a.add(UserMessage.from("second"));
        a.add(UserMessage.from("my cousin Tomasz was born in Samarkand")); // a evicts down to 1: "first", "second"

        assertThat(b.messages()).containsExactly(UserMessage.from("my cousin Tomasz was born in Samarkand"));
        assertThat(b.archivedSegments()).isEqualTo(2);
        assertThat(b.rank("first").get(0).text()).isEqualTo("first");
    }

    @Test
    void reads_see_that_another_instance_cleared_the_memory() {
        InMemoryMemoryStateStore store = new InMemoryMemoryStateStore();
        TitansChatMemory a = memory(store).maxMessages(2).build();
        TitansChatMemory b = memory(store).maxMessages(2).build();
        a.add(UserMessage.from("first"));
        assertThat(b.messages()).hasSize(1);

        a.clear();

        assertThat(b.messages()).isEmpty();
    }

    @Test
    void a_lower_capacity_applies_to_a_loaded_window_and_memorises_what_it_evicts() {
        InMemoryMemoryStateStore store = new InMemoryMemoryStateStore();
        TitansChatMemory wide = memory(store).maxMessages(4).build();
        wide.add(UserMessage.from("my cousin Tomasz was born in Samarkand"));
        wide.add(UserMessage.from("the wifi password is quokka97"));
        wide.add(UserMessage.from("three"));
        wide.add(UserMessage.from("four"));

        TitansChatMemory narrow = memory(store).maxMessages(2).build();
        assertThat(narrow.messages()).containsExactly(UserMessage.from("three"), UserMessage.from("four"));
        assertThat(narrow.rank("cousin Tomasz")).extracting(RecalledSegment::seq).containsExactlyInAnyOrder(0L, 1L);

        TitansChatMemory restarted = memory(store).maxMessages(2).build(); // the trimmed state was saved
        assertThat(restarted.archivedSegments()).isEqualTo(2);
        assertThat(restarted.messages()).hasSize(2);
    }

    @Test
    void a_snapshot_over_a_lower_capacity_is_evicted_down_to_half_or_by_the_block_set() {
        InMemoryMemoryStateStore halves = new InMemoryMemoryStateStore();
        InMemoryMemoryStateStore ones = new InMemoryMemoryStateStore();
        for (InMemoryMemoryStateStore store : List.of(halves, ones)) {
            TitansChatMemory wide = memory(store).maxMessages(10).build();
            for (int i = 0; i < 10; i++) {
                wide.add(UserMessage.from("message " + i));
            }
            wide.snapshot(); // the window of 10 is loaded from the snapshot, not replayed add by add
        }

        TitansChatMemory half = memory(halves).maxMessages(6).build();
        assertThat(half.messages()).containsExactly(UserMessage.from("message 7"), UserMessage.from("message 8"),
                UserMessage.from("message 9"));
        assertThat(half.archivedSegments()).isEqualTo(7);

        TitansChatMemory one = memory(ones).maxMessages(6).evictionBlock(1).build();
        assertThat(one.messages()).hasSize(6).startsWith(UserMessage.from("message 4"));
        assertThat(one.archivedSegments()).isEqualTo(4);
    }
}
