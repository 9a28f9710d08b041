package dev.titans4j.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.service.AiServices;
import dev.langchain4j.service.MemoryId;
import dev.titans4j.it.testing.PromptText;
import dev.titans4j.it.testing.RecordingChatModel;
import dev.titans4j.it.testing.Stories260K;
import dev.titans4j.t2.OnnxChatEngine;
import dev.titans4j.t2.OnnxChatModel;
import dev.titans4j.t2.engine.EngineOptions;
import dev.titans4j.titans.chat.RecalledSegment;
import dev.titans4j.titans.chat.TitansChatMemory;
import dev.titans4j.titans.chat.TitansChatMemoryProvider;
import dev.titans4j.titans.chat.TitansContentRetriever;
import dev.titans4j.titans.store.MemoryStateStore;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.regex.Pattern;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * A chatbot built the way TitansChatMemory's javadoc recommends (AiServices + chatMemoryProvider +
 * TitansContentRetriever) over a real model (stories260K) and the real encoder, used by two users over several
 * sessions with "restarts" in between: every restart builds new store, provider and service objects over the same
 * stored state. Subclasses choose the store (file, PostgreSQL).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class ChatbotRestartScenario {

    static final String ALICE = "alice";
    static final String BOB = "bob";
    static final String ALICE_FACT = "My sister Marta moved to Porto to teach chemistry.";
    static final String BOB_FACT = "Our beagle is called Pretzel and he eats socks.";
    static final String ALICE_QUESTION = "Which city did my sister move to?";

    /** Short chatter, enough to push the facts out of the 4-message window many times over. */
    static final List<String> CHATTER = List.of(
            "The weather was grey all day.", "I finished the billing report at work.",
            "We had lentil soup for dinner.", "My running shoes are worn out.",
            "The train was late again this morning.", "I started reading a new novel.",
            "The garden needs weeding.", "Our neighbour fixed the kitchen tap.");

    interface Chatbot {
        String chat(@MemoryId String user, @dev.langchain4j.service.UserMessage String message);
    }

    /** Every message each user's memory received: user messages and the model's answers, in order. */
    private final Map<String, List<String>> history = new HashMap<>();

    /** The class's temporary folder (model export, file store). */
    Path dir;
    private OnnxChatEngine engine;

    /** A new store object over the same stored state as every earlier call (a process restart). */
    abstract MemoryStateStore openStore();

    /** Removes what the test stored (for stores that outlive the test). */
    void cleanUp() throws Exception {
    }

    /** Skips the class (before the model is exported) when the store is not available. */
    void requireStore() {
    }

    @BeforeAll
    void loadModel(@TempDir Path tempDir) {
        dir = tempDir;
        requireStore();
        engine = OnnxChatEngine.load(Stories260K.export(dir), EngineOptions.defaults().withIntraOpThreads(1));
    }

    @AfterAll
    void close() throws Exception {
        if (engine != null) {
            engine.close();
        }
        cleanUp();
    }

    /** One "process": a provider, a recording model and the AI service, all new. */
    final class App {
        final TitansChatMemoryProvider memories;
        final RecordingChatModel model;
        final Chatbot bot;

        App() {
            MemoryStateStore store = openStore();
            memories = TitansChatMemoryProvider.of(id -> TitansChatMemory.builder().id(id).maxMessages(4)
                    .recallBudgetTokens(40).recallInMessages(false).store(store));
            model = new RecordingChatModel(OnnxChatModel.builder().engine(engine).temperature(0.0)
                    .maxOutputTokens(6).build());
            bot = AiServices.builder(Chatbot.class).chatModel(model).chatMemoryProvider(memories)
                    .contentRetriever(TitansContentRetriever.from(memories))
                    .storeRetrievedContentInChatMemory(false).build();
        }

        /** One exchange, remembered in {@link #history} (what the memory should hold, in order). */
        void say(String user, String message) {
            String answer = bot.chat(user, message);
            history.computeIfAbsent(user, u -> new ArrayList<>()).addAll(List.of(message, answer));
        }

        void session(String user, List<String> messages) {
            messages.forEach(m -> say(user, m));
        }

        List<RecalledSegment> recall(String user, String query) {
            return memories.get(user).recall(query);
        }
    }

    @Test
    void messagesAndRecallSurviveRestartsWithTheirProvenanceAndUsersStayApart() throws Exception {
        // session 1: each user states a fact first (sequence number 0), then chats on
        App first = new App();
        first.say(ALICE, ALICE_FACT);
        first.say(BOB, BOB_FACT);
        first.session(ALICE, CHATTER.subList(0, 4));
        first.session(BOB, CHATTER.subList(4, 8));
        List<String> aliceBefore = PromptText.typed(first.memories.get(ALICE).messages());
        List<RecalledSegment> recallBefore = first.recall(ALICE, ALICE_QUESTION);
        assertThat(recallBefore).as("recall before the restart").anySatisfy(s -> {
            assertThat(s.seq()).isZero();
            assertThat(s.text()).isEqualTo(ALICE_FACT);
        });

        // restart: the window and the long-term memory come back exactly, provenance included
        App second = new App();
        assertThat(PromptText.typed(second.memories.get(ALICE).messages())).isEqualTo(aliceBefore);
        assertThat(second.recall(ALICE, ALICE_QUESTION)).isEqualTo(recallBefore);

        // session 2 after the restart: more chatter, then a third process asks the question
        second.session(ALICE, CHATTER.subList(4, 8));
        second.session(BOB, CHATTER.subList(0, 4));
        App third = new App();
        third.say(ALICE, ALICE_QUESTION);
        String prompt = third.model.lastPrompt();
        assertThat(prompt).as("the retriever put the fact into the model's prompt with its sequence number and time")
                .containsPattern(Pattern.quote("[#0 user, ") + "\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}\\] "
                        + Pattern.quote(ALICE_FACT))
                .doesNotContain("Pretzel");
        TitansChatMemory alice = third.memories.get(ALICE);
        List<ChatMessage> window = alice.messages();
        // 20 messages into 4: the 5th brought the window down to half (2), then every 3rd; the 20th did too
        assertThat(window).hasSize(2);
        assertThat(((UserMessage) window.get(0)).singleText()).as("the question is stored, not the augmented prompt")
                .isEqualTo(ALICE_QUESTION);
        assertThat(history.get(ALICE)).hasSize(20);
        assertThat(alice.archivedSegments()).as("every message that left the window, except empty answers")
                .isEqualTo(archivable(ALICE, window.size()));

        // ids are isolated: bob's memory knows nothing of alice's sister, and deleting alice leaves bob intact
        assertThat(third.recall(BOB, ALICE_QUESTION)).noneMatch(s -> s.text().contains("Porto"));
        assertThat(third.recall(BOB, "What is our dog called?")).anySatisfy(s -> {
            assertThat(s.seq()).isZero();
            assertThat(s.text()).isEqualTo(BOB_FACT);
        });
        List<String> bobBefore = PromptText.typed(third.memories.get(BOB).messages());
        third.memories.delete(ALICE);
        App fourth = new App();
        assertThat(fourth.memories.get(ALICE).messages()).isEmpty();
        assertThat(fourth.memories.get(ALICE).archivedSegments()).isZero();
        assertThat(PromptText.typed(fourth.memories.get(BOB).messages())).isEqualTo(bobBefore);
        assertThat(fourth.memories.get(BOB).archivedSegments()).isEqualTo(archivable(BOB, bobBefore.size()));
    }

    /**
     * Messages of {@code user} that left the window (which holds the last {@code window}) and have text (an empty
     * answer has nothing to keep).
     */
    private long archivable(String user, int window) {
        List<String> all = history.get(user);
        return all.subList(0, all.size() - window).stream().filter(m -> !m.isBlank()).count();
    }
}
