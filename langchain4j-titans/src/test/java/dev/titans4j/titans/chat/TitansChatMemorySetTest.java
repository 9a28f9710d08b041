package dev.titans4j.titans.chat;

import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code set(messages())} is what LangChain4j 1.19's ToolService does when it rewrites the memory for compensated
 * tools: it must not copy the messages {@code messages()} synthesised into the window, nor renumber the window.
 */
class TitansChatMemorySetTest {

    private static final UserMessage PINNED = UserMessage.from("Task: plan a trip to Uzbekistan.");

    private static TitansChatMemory.Builder builder() {
        return TitansChatMemory.builder().embeddingModel(new HashingEmbeddingModel()).maxMessages(3)
                .persistentMessages(List.of(PINNED)).persistentFacts(List.of("The user is vegetarian."));
    }

    /** Block 1, so that the window after {@link #talk} holds two messages besides the system message. */
    private static TitansChatMemory memory() {
        return builder().evictionBlock(1).build();
    }

    private static void talk(TitansChatMemory m) {
        m.add(SystemMessage.from("You are a travel agent."));
        m.add(UserMessage.from("My cousin Tomasz was born in Samarkand."));
        m.add(AiMessage.from("Noted, Samarkand."));
        m.add(UserMessage.from("Where was my cousin Tomasz born?"));
        m.add(AiMessage.from("In Samarkand."));
        m.add(UserMessage.from("And where should we go first?"));
    }

    @Test
    void set_of_messages_leaves_the_memory_unchanged() {
        for (TitansChatMemory m : List.of(memory(), builder().build())) { // block 1, and down to half
            talk(m);
            List<ChatMessage> before = m.messages();
            assertThat(before).anySatisfy(msg -> assertThat(msg.toString()).contains(RecallPrompt.RECALL_HEADER));
            List<RecalledSegment> rankedBefore = m.rank("cousin Tomasz Samarkand");

            m.set(new ArrayList<>(m.messages()));

            assertThat(m.messages()).isEqualTo(before);
            assertThat(m.rank("cousin Tomasz Samarkand")).isEqualTo(rankedBefore);
        }
    }

    @Test
    void set_keeps_the_sequence_numbers_of_messages_already_in_the_window() {
        TitansChatMemory m = memory();
        talk(m); // seqs 0..5; the window holds the system message (0), #4 and #5
        m.set(new ArrayList<>(m.messages()));
        m.add(UserMessage.from("one"));
        m.add(UserMessage.from("two")); // evicts #4 and #5 with their original numbers

        assertThat(m.rank("In Samarkand. And where should we go first?"))
                .extracting(RecalledSegment::seq).containsExactlyInAnyOrder(1L, 2L, 3L, 4L, 5L);
    }

    @Test
    void messages_that_set_removes_from_the_window_move_to_long_term_memory() {
        TitansChatMemory m = memory();
        talk(m);
        int archived = m.archivedSegments();

        m.set(List.of(SystemMessage.from("You are a travel agent."), UserMessage.from("fresh start")));

        assertThat(m.archivedSegments()).isEqualTo(archived + 2);
        assertThat(m.rank("where should we go first")).extracting(RecalledSegment::text)
                .contains("In Samarkand.", "And where should we go first?");
    }
}
