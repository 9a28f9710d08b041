package dev.titans4j.titans.chat;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.TokenCountEstimator;
import dev.titans4j.titans.store.InMemoryMemoryStateStore;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The short-term window follows LangChain4j's MessageWindowChatMemoryTest / TokenWindowChatMemoryTest scenarios
 * (recall in messages() off, so messages() is exactly the window).
 */
class TitansChatMemoryWindowTest {

    private static TitansChatMemory.Builder memory() {
        return TitansChatMemory.builder().embeddingModel(new HashingEmbeddingModel()).recallInMessages(false);
    }

    @Test
    void keeps_the_specified_number_of_messages() {
        TitansChatMemory m = memory().maxMessages(3).build();
        UserMessage first = UserMessage.from("hello");
        AiMessage second = AiMessage.from("hi");
        UserMessage third = UserMessage.from("how are you");
        AiMessage fourth = AiMessage.from("fine");

        m.add(first);
        m.add(second);
        m.add(third);
        assertThat(m.messages()).containsExactly(first, second, third);

        m.add(fourth);
        assertThat(m.messages()).containsExactly(second, third, fourth);
        assertThat(m.archivedSegments()).isEqualTo(1);
    }

    @Test
    void never_evicts_the_system_message() {
        TitansChatMemory m = memory().maxMessages(3).build();
        SystemMessage system = SystemMessage.from("be nice");
        UserMessage u1 = UserMessage.from("one");
        AiMessage a1 = AiMessage.from("two");
        UserMessage u2 = UserMessage.from("three");

        m.add(system);
        m.add(u1);
        m.add(a1);
        m.add(u2);

        assertThat(m.messages()).containsExactly(system, a1, u2);
    }

    @Test
    void keeps_only_the_latest_system_message_and_always_first() {
        TitansChatMemory m = memory().maxMessages(5).build();
        SystemMessage s1 = SystemMessage.from("first system");
        UserMessage u = UserMessage.from("question");
        SystemMessage s2 = SystemMessage.from("second system");

        m.add(s1);
        m.add(u);
        m.add(s2);

        assertThat(m.messages()).containsExactly(s2, u);
    }

    @Test
    void does_not_add_the_same_system_message_twice() {
        InMemoryMemoryStateStore store = new InMemoryMemoryStateStore();
        TitansChatMemory m = memory().maxMessages(5).store(store).build();
        SystemMessage s = SystemMessage.from("system");
        UserMessage u = UserMessage.from("question");

        m.add(s);
        m.add(u);
        m.add(s);

        assertThat(m.messages()).containsExactly(s, u);
    }

    @Test
    void evicts_the_orphan_tool_result_with_its_ai_message() {
        TitansChatMemory m = memory().maxMessages(2).build();
        UserMessage u = UserMessage.from("what is the weather");
        AiMessage call = AiMessage.from(ToolExecutionRequest.builder().id("1").name("weather").arguments("{}").build());
        ToolExecutionResultMessage result = ToolExecutionResultMessage.from("1", "weather", "sunny");
        AiMessage answer = AiMessage.from("It is sunny");

        m.add(u);
        m.add(call);
        m.add(result);
        m.add(answer);

        // window of 2: u, then call (with its result) are evicted; never an orphan result at the head
        assertThat(m.messages()).containsExactly(answer);
    }

    @Test
    void evicts_multiple_orphan_tool_results() {
        TitansChatMemory m = memory().maxMessages(3).build();
        SystemMessage system = SystemMessage.from("system");
        AiMessage call = AiMessage.from(List.of(
                ToolExecutionRequest.builder().id("1").name("a").arguments("{}").build(),
                ToolExecutionRequest.builder().id("2").name("b").arguments("{}").build()));
        ToolExecutionResultMessage r1 = ToolExecutionResultMessage.from("1", "a", "x");
        ToolExecutionResultMessage r2 = ToolExecutionResultMessage.from("2", "b", "y");
        AiMessage answer = AiMessage.from("done");

        m.add(system);
        m.add(call);
        m.add(r1);
        m.add(r2);

        // 4 > 3: the call is evicted and both of its results with it (as MessageWindowChatMemory does)
        assertThat(m.messages()).containsExactly(system);
        m.add(answer);
        assertThat(m.messages()).containsExactly(system, answer);
    }

    @Test
    void set_replaces_the_window_in_one_record() {
        InMemoryMemoryStateStore store = new InMemoryMemoryStateStore();
        TitansChatMemory m = memory().maxMessages(3).store(store).id("x").build();
        m.add(UserMessage.from("old"));
        long before = store.readLog("x", 0, 0).records().size();

        List<ChatMessage> replacement = List.of(SystemMessage.from("s"), UserMessage.from("a"),
                AiMessage.from("b"), UserMessage.from("c"));
        m.set(replacement);

        assertThat(m.messages()).containsExactly(replacement.get(0), replacement.get(2), replacement.get(3));
        assertThat(store.readLog("x", 0, 0).records()).hasSize((int) before + 1);
        assertThatThrownBy(() -> m.set(List.of())).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void token_window_evicts_by_estimated_tokens() {
        TokenCountEstimator words = new WordEstimator();
        TitansChatMemory m = memory().maxTokens(5, words).build();
        UserMessage u1 = UserMessage.from("one two three");
        AiMessage a1 = AiMessage.from("four five");
        UserMessage u2 = UserMessage.from("six");

        m.add(u1);
        m.add(a1);
        assertThat(m.messages()).containsExactly(u1, a1);
        m.add(u2);
        assertThat(m.messages()).containsExactly(a1, u2);
    }

    @Test
    void an_overflowing_window_evicts_a_whole_block_then_grows_again_without_evicting() {
        TitansChatMemory m = memory().maxMessages(7).evictionBlock(4).build();
        SystemMessage system = SystemMessage.from("be nice");
        m.add(system);
        List<ChatMessage> said = new java.util.ArrayList<>();
        for (int i = 0; i < 7; i++) {
            ChatMessage message = i % 2 == 0 ? UserMessage.from("question " + i) : AiMessage.from("answer " + i);
            said.add(message);
            m.add(message);
        }
        // 8 > 7: four messages leave at once, not one
        assertThat(m.messages()).containsExactly(system, said.get(4), said.get(5), said.get(6));
        assertThat(m.archivedSegments()).isEqualTo(4);

        m.add(UserMessage.from("question 7"));
        m.add(AiMessage.from("answer 8"));
        m.add(UserMessage.from("question 9"));
        // room for three more: the messages after the system message are still the same ones, in the same place
        assertThat(m.messages()).hasSize(7).startsWith(system, said.get(4), said.get(5), said.get(6));
        assertThat(m.archivedSegments()).isEqualTo(4);
    }

    @Test
    void a_block_never_evicts_the_newest_message_and_keeps_tool_results_with_their_call() {
        TitansChatMemory small = memory().maxMessages(3).evictionBlock(10).build();
        SystemMessage system = SystemMessage.from("be nice");
        UserMessage newest = UserMessage.from("three");
        small.add(system);
        small.add(UserMessage.from("one"));
        small.add(AiMessage.from("two"));
        small.add(newest);
        assertThat(small.messages()).containsExactly(system, newest);

        TitansChatMemory tools = memory().maxMessages(4).evictionBlock(2).build();
        UserMessage u = UserMessage.from("what is the weather");
        AiMessage call = AiMessage.from(ToolExecutionRequest.builder().id("1").name("weather").arguments("{}").build());
        ToolExecutionResultMessage result = ToolExecutionResultMessage.from("1", "weather", "sunny");
        AiMessage answer = AiMessage.from("It is sunny");
        UserMessage next = UserMessage.from("thanks");
        List.of(u, call, result, answer, next).forEach(tools::add);
        // u leaves for the capacity, the call for the block, and its result with it
        assertThat(tools.messages()).containsExactly(answer, next);
    }

    @Test
    void token_window_evicts_a_block_of_messages_once_over_its_tokens() {
        TitansChatMemory m = memory().maxTokens(6, new WordEstimator()).evictionBlock(2).build();
        UserMessage u1 = UserMessage.from("one two");
        AiMessage a1 = AiMessage.from("three");
        UserMessage u2 = UserMessage.from("four five");
        AiMessage a2 = AiMessage.from("six seven");

        List.of(u1, a1, u2, a2).forEach(m::add);
        // 7 > 6 tokens: u1 alone would do, the block takes a1 too
        assertThat(m.messages()).containsExactly(u2, a2);
    }

    @Test
    void builder_rejects_bad_configuration_with_clear_messages() {
        assertThatThrownBy(() -> memory().maxMessages(2).evictionBlock(0).build())
                .hasMessage("evictionBlock must be >= 1, got 0");
        assertThatThrownBy(() -> memory().build()).hasMessageContaining("maxMessages");
        assertThatThrownBy(() -> memory().maxMessages(0).build()).hasMessageContaining("maxMessages must be > 0");
        assertThatThrownBy(() -> memory().maxTokens(10, null).build()).hasMessageContaining("TokenCountEstimator");
        assertThatThrownBy(() -> memory().maxMessages(2).snapshotEvery(0).build())
                .hasMessageContaining("snapshotEvery must be >= 1");
        assertThatThrownBy(() -> memory().maxMessages(2).memoryConfig(
                dev.titans4j.titans.memory.MemoryConfig.builder().inputDimension(64).keyDimension(32).build())
                .build())
                .hasMessageContaining("inputDimension = keyDimension = valueDimension");
        assertThatThrownBy(() -> memory().maxMessages(2).memoryConfig(
                dev.titans4j.titans.memory.MemoryConfig.builder().inputDimension(32).build()).build())
                .hasMessageContaining("inputDimension 32 but the embedding model's dimension is 64");
        assertThatThrownBy(() -> memory().maxMessages(2).recallFusion(null).build())
                .hasMessageContaining("recallFusion");
        assertThatThrownBy(() -> memory().maxMessages(2).build().add((ChatMessage) null))
                .isInstanceOf(NullPointerException.class);
    }

    /** Counts whitespace-separated words. */
    static final class WordEstimator implements TokenCountEstimator {
        @Override
        public int estimateTokenCountInText(String text) {
            String t = text.strip();
            return t.isEmpty() ? 0 : t.split("\\s+").length;
        }

        @Override
        public int estimateTokenCountInMessage(ChatMessage message) {
            return estimateTokenCountInText(MessageText.of(message));
        }

        @Override
        public int estimateTokenCountInMessages(Iterable<ChatMessage> messages) {
            int n = 0;
            for (ChatMessage m : messages) {
                n += estimateTokenCountInMessage(m);
            }
            return n;
        }
    }
}
