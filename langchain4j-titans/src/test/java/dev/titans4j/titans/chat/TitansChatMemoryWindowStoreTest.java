package dev.titans4j.titans.chat;

import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.store.memory.chat.InMemoryChatMemoryStore;
import dev.titans4j.titans.store.InMemoryMemoryStateStore;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The verbatim window in a LangChain4j ChatMemoryStore, the long-term memory in the state store. */
class TitansChatMemoryWindowStoreTest {

    private final InMemoryChatMemoryStore windows = new InMemoryChatMemoryStore();
    private final InMemoryMemoryStateStore states = new InMemoryMemoryStateStore();

    private TitansChatMemory memory() {
        return TitansChatMemory.builder().id("u").maxMessages(2).embeddingModel(new HashingEmbeddingModel())
                .windowStore(windows).store(states).recallInMessages(false)
                .clock(Clock.fixed(Instant.parse("2024-02-03T04:05:00Z"), ZoneOffset.UTC)).build();
    }

    @Test
    void the_window_lives_in_the_chat_memory_store_and_what_leaves_it_is_recalled() {
        TitansChatMemory m = memory();
        m.add(UserMessage.from("The spare key is under the blue flowerpot."), Instant.parse("2024-01-01T08:00:00Z"));
        m.add(AiMessage.from("Noted."));
        m.add(UserMessage.from("What's the weather?")); // 3 > 2: down to half, the newest message alone

        List<ChatMessage> stored = windows.getMessages("u");
        assertThat(stored).hasSize(1);
        assertThat(stored.get(0)).isInstanceOf(UserMessage.class);
        assertThat(((UserMessage) stored.get(0)).attributes()).containsEntry(ExternalWindow.TIME_ATTRIBUTE,
                "2024-02-03T04:05:00Z");
        assertThat(m.messages()).isEqualTo(stored);

        RecalledSegment recalled = m.rank("where is the spare key").get(0);
        assertThat(recalled.text()).isEqualTo("The spare key is under the blue flowerpot.");
        assertThat(recalled.seq()).as("sequence numbers count memorised messages in this mode").isZero();
        assertThat(recalled.time()).isEqualTo(Instant.parse("2024-01-01T08:00:00Z"));
        assertThat(states.readLog("u", 0, 0).records()).as("only what left the window is logged").hasSize(2);

        TitansChatMemory restarted = memory();
        assertThat(restarted.messages()).isEqualTo(stored);
        assertThat(restarted.rank("spare key").get(0).text()).isEqualTo(recalled.text());
    }

    @Test
    void set_and_clear_work_on_both_stores() {
        TitansChatMemory m = memory();
        m.add(UserMessage.from("first"));
        m.add(UserMessage.from("second"));
        m.set(List.of(UserMessage.from("replacement")));

        assertThat(m.messages()).hasSize(1);
        assertThat(((UserMessage) m.messages().get(0)).singleText()).isEqualTo("replacement");
        assertThat(m.rank("first second")).extracting(RecalledSegment::text)
                .containsExactlyInAnyOrder("first", "second");

        m.clear();
        assertThat(windows.getMessages("u")).isEmpty();
        assertThat(states.readLog("u", 0, 0).exists()).isFalse();
        assertThat(memory().rank("first")).isEmpty();
    }
}
