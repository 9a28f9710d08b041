package dev.titans4j.titans.chat;

import dev.langchain4j.data.message.UserMessage;
import dev.titans4j.titans.store.InMemoryMemoryStateStore;
import org.junit.jupiter.api.Test;

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
        a.add(UserMessage.from("my cousin Tomasz was born in Samarkand")); // a evicts "first"

        assertThat(b.messages()).containsExactly(UserMessage.from("second"),
                UserMessage.from("my cousin Tomasz was born in Samarkand"));
        assertThat(b.archivedSegments()).isEqualTo(1);
        assertThat(b.rank("first")).extracting(RecalledSegment::text).containsExactly("first");
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
}
