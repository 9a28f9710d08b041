package dev.titans4j.titans.chat;

import dev.langchain4j.data.message.UserMessage;
import dev.titans4j.titans.store.InMemoryMemoryStateStore;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** Stored state stays readable when a non-neural setting changes between runs. */
class TitansChatMemoryConfigChangeTest {

    private static final List<String> ANIMALS = List.of("zebra", "walrus", "falcon", "otter", "badger", "lynx",
            "heron", "bison", "gecko", "marmot");

    private static TitansChatMemory.Builder memory(InMemoryMemoryStateStore store) {
        return TitansChatMemory.builder().embeddingModel(new HashingEmbeddingModel()).id("u").maxMessages(1)
                .store(store);
    }

    @Test
    void lowering_archive_capacity_trims_the_archive_instead_of_refusing_the_state() {
        InMemoryMemoryStateStore store = new InMemoryMemoryStateStore();
        TitansChatMemory big = memory(store).archiveCapacity(10).build();
        for (String animal : ANIMALS) {
            big.add(UserMessage.from("The " + animal + " sleeps in the barn."));
        }
        big.add(UserMessage.from("ok"));
        assertThat(big.archivedSegments()).isEqualTo(10);

        TitansChatMemory small = memory(store).archiveCapacity(5).build();
        assertThat(small.archivedSegments()).isEqualTo(5);
        Set<String> kept = new HashSet<>();
        small.rank("barn").forEach(s -> kept.add(s.text()));
        assertThat(kept).hasSize(5);
        // The lexical index forgot the dropped segments too: a query for a dropped animal finds nothing stale.
        for (String animal : ANIMALS) {
            String text = "The " + animal + " sleeps in the barn.";
            List<RecalledSegment> hits = small.rank(animal);
            assertThat(hits).hasSize(5);
            assertThat(hits.get(0).text().equals(text)).isEqualTo(kept.contains(text));
        }

        small.add(UserMessage.from("one more"));
        assertThat(memory(store).archiveCapacity(5).build().archivedSegments()).isEqualTo(5);
    }
}
