package dev.titans4j.titans.chat;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.memory.ChatMemory;
import dev.langchain4j.memory.chat.MessageWindowChatMemory;
import dev.langchain4j.memory.chat.TokenWindowChatMemory;
import dev.langchain4j.model.TokenCountEstimator;
import dev.titans4j.titans.store.InMemoryMemoryStateStore;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The short-term window: with {@code evictionBlock(1)} it follows LangChain4j's MessageWindowChatMemoryTest /
 * TokenWindowChatMemoryTest scenarios, and matches the real MessageWindowChatMemory / TokenWindowChatMemory message
 * for message; by default it evicts down to half its capacity. Recall in messages() is off, so messages() is exactly
 * the window.
 */
class TitansChatMemoryWindowTest {

    private static TitansChatMemory.Builder memory() {
        return TitansChatMemory.builder().embeddingModel(new HashingEmbeddingModel()).recallInMessages(false);
    }

    /** LangChain4j's rule: evict exactly what exceeds the capacity. */
    private static TitansChatMemory.Builder langChain4jRule() {
        return memory().evictionBlock(1);
    }

    @Test
    void keeps_the_specified_number_of_messages() {
        TitansChatMemory m = langChain4jRule().maxMessages(3).build();
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
        TitansChatMemory m = langChain4jRule().maxMessages(3).build();
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
        TitansChatMemory m = langChain4jRule().maxMessages(2).build();
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
        TitansChatMemory m = langChain4jRule().maxMessages(3).build();
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
        TitansChatMemory m = langChain4jRule().maxMessages(3).store(store).id("x").build();
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
        TitansChatMemory m = langChain4jRule().maxTokens(5, words).build();
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
    void by_default_an_overflowing_window_evicts_down_to_half_its_capacity_then_grows_again() {
        TitansChatMemory m = memory().maxMessages(12).build();
        SystemMessage system = SystemMessage.from("be nice");
        m.add(system);
        // the window's size after each add, the system message included: the 13th message brings it down to 6
        int[] sizes = {2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 6, 7, 8, 9, 10, 11, 12, 6, 7, 8, 9, 10, 11};
        List<ChatMessage> said = new ArrayList<>();
        for (int i = 0; i < sizes.length; i++) {
            said.add(i % 2 == 0 ? UserMessage.from("question " + i) : AiMessage.from("answer " + i));
            m.add(said.get(i));
            List<ChatMessage> expected = new ArrayList<>(List.of(system));
            expected.addAll(said.subList(i + 2 - sizes[i], i + 1));
            assertThat(m.messages()).as("after message %d", i).containsExactlyElementsOf(expected);
        }
        assertThat(m.archivedSegments()).isEqualTo(sizes.length - 10);
    }

    @Test
    void by_default_half_of_an_odd_capacity_rounds_down() {
        TitansChatMemory m = memory().maxMessages(5).build();
        // 6 > 5: down to 2 messages (2 × 2 <= 5 < 2 × 3)
        int[] sizes = {1, 2, 3, 4, 5, 2, 3, 4, 5, 2};
        List<ChatMessage> said = new ArrayList<>();
        for (int i = 0; i < sizes.length; i++) {
            said.add(i % 2 == 0 ? UserMessage.from("question " + i) : AiMessage.from("answer " + i));
            m.add(said.get(i));
            assertThat(m.messages()).as("after message %d", i)
                    .containsExactlyElementsOf(said.subList(i + 1 - sizes[i], i + 1));
        }
    }

    @Test
    void by_default_a_token_window_evicts_down_to_half_its_tokens() {
        TitansChatMemory m = memory().maxTokens(12, new WordEstimator()).build();
        int[] words = {3, 2, 1, 4, 2, 3, 1, 2, 3, 2, 4, 1};
        // 15 > 12 tokens at the sixth message: out until within 6 (5 left); 14 > 12 at the tenth: again 5 left
        int[] sizes = {1, 2, 3, 4, 5, 2, 3, 4, 5, 2, 3, 4};
        List<ChatMessage> said = new ArrayList<>();
        for (int i = 0; i < words.length; i++) {
            String text = "m" + i + " x".repeat(words[i] - 1);
            said.add(i % 2 == 0 ? UserMessage.from(text) : AiMessage.from(text));
            m.add(said.get(i));
            assertThat(m.messages()).as("after message %d", i)
                    .containsExactlyElementsOf(said.subList(i + 1 - sizes[i], i + 1));
        }
    }

    @Test
    void by_default_tool_results_leave_with_their_call_and_the_newest_message_stays() {
        AiMessage call = AiMessage.from(List.of(
                ToolExecutionRequest.builder().id("1").name("a").arguments("{}").build(),
                ToolExecutionRequest.builder().id("2").name("b").arguments("{}").build()));
        ToolExecutionResultMessage r1 = ToolExecutionResultMessage.from("1", "a", "x");
        ToolExecutionResultMessage r2 = ToolExecutionResultMessage.from("2", "b", "y");
        SystemMessage system = SystemMessage.from("system");

        TitansChatMemory m = memory().maxMessages(8).build();
        AiMessage answer = AiMessage.from("done");
        UserMessage u3 = UserMessage.from("u3");
        AiMessage a3 = AiMessage.from("a3");
        List.of(UserMessage.from("u1"), AiMessage.from("a1"), UserMessage.from("u2"), call, r1, r2, answer, u3, a3)
                .forEach(m::add);
        // 9 > 8: u1, a1, u2 and the call leave; its results go with it although the call alone reaches half
        assertThat(m.messages()).containsExactly(answer, u3, a3);

        TitansChatMemory pending = memory().maxMessages(5).build();
        AiMessage a1 = AiMessage.from("a1");
        List.of(system, UserMessage.from("u1"), a1, call, r1, r2).forEach(pending::add);
        // 6 > 5: u1, the latest question, leaves for the capacity; going on would evict what came after it, so a1 stays
        assertThat(pending.messages()).containsExactly(system, a1, call, r1, r2);

        TitansChatMemory noQuestion = memory().maxMessages(5).build();
        List.of(system, AiMessage.from("hello"), AiMessage.from("a1"), call, r1, r2).forEach(noQuestion::add);
        // no user message: a1 leaves too, and the call would take the newest message (its result), so it stays
        assertThat(noQuestion.messages()).containsExactly(system, call, r1, r2);

        TitansChatMemory tiny = memory().maxMessages(2).build();
        AiMessage newest = AiMessage.from("a1");
        List.of(system, UserMessage.from("u1"), newest).forEach(tiny::add);
        assertThat(tiny.messages()).containsExactly(system, newest);
    }

    private static AiMessage toolCall(String id) {
        return AiMessage.from(ToolExecutionRequest.builder().id(id).name("look").arguments("{}").build());
    }

    private static ToolExecutionResultMessage toolResult(String id) {
        return ToolExecutionResultMessage.from(id, "look", "result " + id);
    }

    /** Adds each message and checks the whole window after it. */
    private static void addAndExpect(TitansChatMemory m, List<ChatMessage> adds, List<List<ChatMessage>> windows) {
        for (int i = 0; i < adds.size(); i++) {
            m.add(adds.get(i));
            assertThat(m.messages()).as("after message %d", i).containsExactlyElementsOf(windows.get(i));
        }
    }

    @Test
    void going_on_never_evicts_the_question_a_tool_loop_is_answering() {
        UserMessage u1 = UserMessage.from("u1");
        AiMessage a1 = AiMessage.from("a1");
        UserMessage u2 = UserMessage.from("u2");
        AiMessage a2 = AiMessage.from("a2");
        UserMessage q = UserMessage.from("what is the weather");
        AiMessage c1 = toolCall("1"), c2 = toolCall("2"), c3 = toolCall("3");
        ToolExecutionResultMessage r1 = toolResult("1"), r2 = toolResult("2"), r3 = toolResult("3");
        List<ChatMessage> adds = List.of(u1, a1, u2, a2, q, c1, r1, c2, r2, c3, r3);
        List<List<ChatMessage>> upToTen = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            upToTen.add(adds.subList(0, i + 1));
        }

        // 11 > 10: u1 leaves for the capacity, then a1, u2, a2 (down to half would take q and the loop too)
        List<List<ChatMessage>> byDefault = new ArrayList<>(upToTen);
        byDefault.add(List.of(q, c1, r1, c2, r2, c3, r3));
        addAndExpect(memory().maxMessages(10).build(), adds, byDefault);

        List<List<ChatMessage>> block4 = new ArrayList<>(upToTen);
        block4.add(List.of(q, c1, r1, c2, r2, c3, r3));
        addAndExpect(memory().maxMessages(10).evictionBlock(4).build(), adds, block4);

        List<List<ChatMessage>> block1 = new ArrayList<>(upToTen);
        block1.add(adds.subList(1, 11));
        addAndExpect(langChain4jRule().maxMessages(10).build(), adds, block1);

        SystemMessage system = SystemMessage.from("be brief");
        TitansChatMemory small = memory().maxMessages(6).build();
        List.of(system, u1, a1, q, c1, r1).forEach(small::add);
        small.add(c2);
        // 7 > 6: u1 leaves for the capacity, a1 to go on; q and its loop stay
        assertThat(small.messages()).containsExactly(system, q, c1, r1, c2);
    }

    @Test
    void a_tool_loop_longer_than_half_the_window_keeps_its_question_until_the_capacity_takes_it() {
        SystemMessage system = SystemMessage.from("be brief");
        UserMessage u1 = UserMessage.from("u1");
        AiMessage a1 = AiMessage.from("a1");
        UserMessage q = UserMessage.from("what is the weather");
        AiMessage c1 = toolCall("1"), c2 = toolCall("2"), c3 = toolCall("3"), c4 = toolCall("4");
        ToolExecutionResultMessage r1 = toolResult("1"), r2 = toolResult("2"), r3 = toolResult("3"),
                r4 = toolResult("4");
        TitansChatMemory m = memory().maxMessages(8).build();
        addAndExpect(m, List.of(system, u1, a1, q, c1, r1, c2, r2, c3, r3, c4, r4), List.of(
                List.of(system),
                List.of(system, u1),
                List.of(system, u1, a1),
                List.of(system, u1, a1, q),
                List.of(system, u1, a1, q, c1),
                List.of(system, u1, a1, q, c1, r1),
                List.of(system, u1, a1, q, c1, r1, c2),
                List.of(system, u1, a1, q, c1, r1, c2, r2),
                // 9 > 8: u1 for the capacity, a1 going on; the loop (5 messages after q) is over half of 7
                List.of(system, q, c1, r1, c2, r2, c3),
                List.of(system, q, c1, r1, c2, r2, c3, r3),
                // 9 > 8: only the capacity may take q; with no question left, nothing more goes
                List.of(system, c1, r1, c2, r2, c3, r3, c4),
                // 9 > 8: c1 and r1 for the capacity, then down to 3 of 7 (the newest call keeps its result)
                List.of(system, c4, r4)));
    }

    @Test
    void by_default_half_is_of_the_capacity_the_system_message_leaves() {
        SystemMessage system = SystemMessage.from("answer in one short sentence and never use any markdown at all");
        assertThat(new WordEstimator().estimateTokenCountInMessage(system)).isEqualTo(12);
        List<ChatMessage> turns = new ArrayList<>();
        for (int i = 0; i < 11; i++) {
            turns.add(i % 2 == 0 ? UserMessage.from("question " + i) : AiMessage.from("answer " + i));
        }
        // 20 tokens, 12 for the system message: an overflow keeps 2 turns (2 × 4 <= 20 - 12), not just the newest
        TitansChatMemory m = memory().maxTokens(20, new WordEstimator()).build();
        m.add(system);
        int[] kept = {1, 2, 3, 4, 2, 3, 4, 2, 3, 4, 2};
        for (int i = 0; i < turns.size(); i++) {
            m.add(turns.get(i));
            List<ChatMessage> expected = new ArrayList<>(List.of(system));
            expected.addAll(turns.subList(i + 1 - kept[i], i + 1));
            assertThat(m.messages()).as("after turn %d", i).containsExactlyElementsOf(expected);
        }

        // messages: 2 × (messages after the system message) <= maxMessages - 1; 7 leaves 3 after an overflow
        TitansChatMemory odd = memory().maxMessages(7).build();
        odd.add(system);
        turns.subList(0, 7).forEach(odd::add);
        assertThat(odd.messages()).containsExactly(system, turns.get(4), turns.get(5), turns.get(6));
    }

    @Test
    void with_a_block_of_one_the_window_is_langchain4j_s_message_for_message() {
        WordEstimator words = new WordEstimator();
        for (int capacity = 1; capacity <= 9; capacity++) {
            compareWithLangChain4j("maxMessages " + capacity, langChain4jRule().maxMessages(capacity).build(),
                    MessageWindowChatMemory.builder().maxMessages(capacity).alwaysKeepSystemMessageFirst(true)
                            .build());
        }
        for (int tokens = 3; tokens <= 24; tokens++) {
            compareWithLangChain4j("maxTokens " + tokens, langChain4jRule().maxTokens(tokens, words).build(),
                    TokenWindowChatMemory.builder().maxTokens(tokens, words).alwaysKeepSystemMessageFirst(true)
                            .build());
        }
    }

    private static void compareWithLangChain4j(String what, TitansChatMemory titans, ChatMemory langChain4j) {
        List<ChatMessage> conversation = List.of(
                SystemMessage.from("be brief"),
                UserMessage.from("what is the weather"),
                AiMessage.from(List.of(
                        ToolExecutionRequest.builder().id("1").name("weather").arguments("{}").build(),
                        ToolExecutionRequest.builder().id("2").name("temperature").arguments("{}").build())),
                ToolExecutionResultMessage.from("1", "weather", "sunny"),
                ToolExecutionResultMessage.from("2", "temperature", "warm"),
                AiMessage.from("It is sunny and warm"),
                UserMessage.from("thanks"),
                SystemMessage.from("be brief"),
                AiMessage.from("you are welcome"),
                SystemMessage.from("be very brief"),
                UserMessage.from("and tomorrow"),
                AiMessage.from(ToolExecutionRequest.builder().id("3").name("weather").arguments("{}").build()),
                ToolExecutionResultMessage.from("3", "weather", "rain"),
                AiMessage.from("rain tomorrow"),
                UserMessage.from("ok bye"),
                AiMessage.from("bye"));
        for (int i = 0; i < conversation.size(); i++) {
            titans.add(conversation.get(i));
            langChain4j.add(conversation.get(i));
            assertThat(titans.messages()).as("%s, after message %d", what, i)
                    .containsExactlyElementsOf(langChain4j.messages());
        }
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
        // a residual memory fits M(k) = k with its MLP at zero and never learns; SiLU projections and unnormalised
        // keys put what it learns in another space than the normalised query its read is subtracted from
        dev.titans4j.titans.memory.MemoryConfig linear = TitansChatMemory.defaultMemoryConfig(64);
        assertThatThrownBy(() -> memory().maxMessages(2).memoryConfig(linear.toBuilder().layers(2).residual(true)
                .build()).build()).hasMessage("memoryConfig must have residual(false): TitansChatMemory's memory "
                + "predicts the normalised embedding from itself (key = value = query)");
        assertThatThrownBy(() -> memory().maxMessages(2).memoryConfig(dev.titans4j.titans.memory.MemoryConfig
                .builder().inputDimension(64).build()).build()).hasMessage("memoryConfig must have residual(false), "
                + "projectionActivation(false): TitansChatMemory's memory predicts the normalised embedding from "
                + "itself (key = value = query)");
        assertThatThrownBy(() -> memory().maxMessages(2).memoryConfig(linear.toBuilder().normalizeQueryKey(false)
                .build()).build()).hasMessageStartingWith("memoryConfig must have normalizeQueryKey(true): ");
        assertThat(memory().maxMessages(2).memoryConfig(linear.toBuilder().layers(2).residual(false).build())
                .build().messages()).isEmpty();
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
