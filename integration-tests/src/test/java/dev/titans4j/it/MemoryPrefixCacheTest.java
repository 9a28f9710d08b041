package dev.titans4j.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.titans4j.it.testing.Stories260K;
import dev.titans4j.t2.OnnxChatEngine;
import dev.titans4j.t2.engine.EngineOptions;
import dev.titans4j.t2.engine.GenerationRequest;
import dev.titans4j.t2.engine.GenerationResult;
import dev.titans4j.t2.engine.TokenSelector;
import dev.titans4j.titans.chat.TitansChatMemory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A 20-turn chat with {@link TitansChatMemory} through the engine {@code OnnxChatModel} runs on (its prompt ids and
 * generator, prefix cache on), counting per turn the prompt tokens the cache supplied and those prefilled: the
 * memory's layout decides how much of each prompt repeats the last one. Compares the layout before issue 14 (the
 * recall right after the system message, the window evicted one message at a time; rebuilt here by moving the
 * recall message back there) with the current one (recall just before the latest user message), with eviction
 * blocks of 1 to 6 messages and the default (down to half the window), in one long session and in sessions of 5
 * turns that each start with an empty window (what came before is in long-term memory). Prints the figures
 * (BENCHMARKS.md, chat-memory section).
 */
class MemoryPrefixCacheTest {

    private static final int TURNS = 20;
    private static final int WINDOW = 12;
    private static final int BLOCK = 6;
    private static final int SESSION = 5;

    @TempDir
    static Path dir;
    static OnnxChatEngine engine;

    @BeforeAll
    static void load() {
        engine = OnnxChatEngine.load(Stories260K.export(dir), EngineOptions.defaults().withIntraOpThreads(1));
    }

    @AfterAll
    static void close() {
        if (engine != null) {
            engine.close();
        }
    }

    /** What one chat cost. */
    private record Chat(String layout, List<int[]> turns) { // per turn {prompt tokens, reused}

        long prefilled() {
            return turns.stream().mapToLong(t -> t[0] - t[1]).sum();
        }

        long promptTokens() {
            return turns.stream().mapToLong(t -> t[0]).sum();
        }

        String describe() {
            StringBuilder s = new StringBuilder(String.format(Locale.ROOT,
                    "%-32s prefilled %5d of %5d prompt tokens (%.0f%%):", layout, prefilled(),
                    promptTokens(), 100.0 * prefilled() / promptTokens()));
            turns.forEach(t -> s.append(' ').append(t[1]).append('/').append(t[0]));
            return s.toString();
        }
    }

    @Test
    void blockEvictionWithTheRecallAfterTheStablePartLetsThePrefixCacheReuseTheWindow() {
        Chat old = chat("recall first, block 1 (before)", 1, true, TURNS);
        Chat oldBlocks = chat("recall first, block " + BLOCK, BLOCK, true, TURNS);
        List<Chat> chats = new ArrayList<>(List.of(old, oldBlocks));
        for (int block : new int[] {1, 2, 3, 4, BLOCK}) {
            chats.add(chat("recall before question, block " + block, block, false, TURNS));
        }
        Chat block1 = chats.get(2);
        Chat blocks = chats.get(chats.size() - 1);
        Chat half = chat("recall before question, default", null, false, TURNS);
        chats.add(half);
        print("one session", chats);

        assertThat(blocks.prefilled()).as("block eviction keeps the window's start for several turns")
                .isLessThan(block1.prefilled());
        assertThat(blocks.prefilled()).as("the new layout against the one before issue 14").isLessThan(
                old.prefilled());
        assertThat(half.prefilled()).as("the default (down to half the window) against LangChain4j's block of 1")
                .isLessThan(block1.prefilled());
    }

    @Test
    void withRecallFromEarlierSessionsTheNewLayoutReusesTheWholeWindow() {
        // sessions of 5 turns: the window (12) never overflows, but from the second session on recall has
        // something to say every turn
        Chat old = chat("recall first (before)", 1, true, SESSION);
        Chat now = chat("recall before question", 1, false, SESSION);
        print("sessions of " + SESSION + " turns, each starting with an empty window", List.of(old, now));

        assertThat(now.prefilled()).isLessThan(old.prefilled());
        for (int turn = SESSION + 1; turn < TURNS; turn++) {
            // from a session's third turn on, every prompt extends the last one up to its recall (the second
            // still differs: the first prompt held the recall before the session's first user message)
            if (turn % SESSION >= 2) {
                assertThat(now.turns().get(turn)[1]).as("turn %d reuses more than turn %d", turn, turn - 1)
                        .isGreaterThan(now.turns().get(turn - 1)[1]);
            }
        }
    }

    private static void print(String scenario, List<Chat> chats) {
        System.out.println(TURNS + "-turn chat (" + scenario + "), stories260K, TitansChatMemory maxMessages "
                + WINDOW + ", reused/prompt tokens per turn:");
        chats.forEach(c -> System.out.println("  " + c.describe()));
    }

    /**
     * Every {@code sessionTurns} turns the window is emptied into long-term memory (a new session);
     * {@code evictionBlock} null: the builder's default.
     */
    private static Chat chat(String layout, Integer evictionBlock, boolean recallFirst, int sessionTurns) {
        engine.model().clearPrefixCache(); // each chat starts cold
        TitansChatMemory.Builder builder = TitansChatMemory.builder().maxMessages(WINDOW).recallBudgetTokens(40);
        if (evictionBlock != null) {
            builder.evictionBlock(evictionBlock);
        }
        TitansChatMemory memory = builder.build();
        SystemMessage system = SystemMessage.from("You tell short stories for children.");
        memory.add(system);
        List<int[]> turns = new ArrayList<>();
        for (int turn = 0; turn < TURNS; turn++) {
            if (turn > 0 && turn % sessionTurns == 0) {
                memory.set(List.of(system));
            }
            memory.add(UserMessage.from(userMessage(turn)));
            List<ChatMessage> messages = recallFirst ? recallFirst(memory.messages()) : memory.messages();
            int[] prompt = engine.promptIds(messages);
            GenerationResult result = engine.generator().generate(
                    new GenerationRequest(prompt, 12, engine.stopTokenIds(), engine.formatTextStops()),
                    TokenSelector.greedy(), piece -> { }, () -> false);
            turns.add(new int[] {result.promptTokens(), result.reusedPromptTokens()});
            memory.add(AiMessage.from(result.text().isBlank() ? "The end." : result.text().strip()));
        }
        return new Chat(layout, turns);
    }

    /** The layout before issue 14: system message, recall, then the window. */
    private static List<ChatMessage> recallFirst(List<ChatMessage> messages) {
        List<ChatMessage> out = new ArrayList<>(messages);
        for (int i = 0; i < out.size(); i++) {
            if (out.get(i) instanceof UserMessage u && u.singleText().startsWith("Recalled earlier conversation")) {
                out.add(1, out.remove(i));
                break;
            }
        }
        return out;
    }

    private static String userMessage(int turn) {
        String[] names = {"Lily", "Tom", "Sue", "Ben", "Max"};
        String[] things = {"a red ball", "a big dog", "a little cat", "a blue car", "a funny hat"};
        return names[turn % names.length] + " found " + things[(turn * 3) % things.length] + " in the park on day "
                + (turn + 1) + ".";
    }
}
