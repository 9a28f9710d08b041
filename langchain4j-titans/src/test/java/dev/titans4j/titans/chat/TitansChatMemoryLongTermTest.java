package dev.titans4j.titans.chat;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.output.Response;
import dev.langchain4j.rag.content.Content;
import dev.langchain4j.rag.query.Metadata;
import dev.langchain4j.rag.query.Query;
import dev.titans4j.titans.format.CorruptStateException;
import dev.titans4j.titans.store.FileMemoryStateStore;
import dev.titans4j.titans.store.InMemoryMemoryStateStore;
import dev.titans4j.titans.store.MemoryStateStore;
import dev.titans4j.titans.store.MemoryLog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Long-term memory, persistence, isolation and thread safety, with a fast deterministic stand-in encoder. */
class TitansChatMemoryLongTermTest {

    /** 8 May 2023, 13:56 UTC: every message of these tests is stamped with it. */
    static final Instant SAID = Instant.parse("2023-05-08T13:56:00Z");

    private static TitansChatMemory.Builder memory() {
        return TitansChatMemory.builder().embeddingModel(new HashingEmbeddingModel())
                .clock(Clock.fixed(SAID, ZoneOffset.UTC));
    }

    @Test
    void messages_leaving_the_window_are_recalled_with_their_sequence_numbers() {
        // block 1: "Got it." stays in the window (by default it would leave with the others)
        TitansChatMemory m = memory().maxMessages(3).evictionBlock(1).build();
        m.add(SystemMessage.from("You are a helpful assistant."));
        m.add(UserMessage.from("My cousin Tomasz was born in Samarkand."));
        m.add(AiMessage.from("Noted, Samarkand."));
        m.add(UserMessage.from("The wifi password at the greenhouse is quokka97."));
        m.add(AiMessage.from("Got it."));
        m.add(UserMessage.from("Where was my cousin Tomasz born?"));

        List<RecalledSegment> ranked = m.rank("Where was my cousin Tomasz born?");
        assertThat(ranked).extracting(RecalledSegment::seq).containsExactlyInAnyOrder(1L, 2L, 3L);
        assertThat(ranked.get(0).seq()).isEqualTo(1L);
        assertThat(ranked.get(0).speaker()).isEqualTo("user");
        assertThat(ranked.get(0).text()).isEqualTo("My cousin Tomasz was born in Samarkand.");

        List<ChatMessage> messages = m.messages();
        assertThat(messages.get(0)).isEqualTo(SystemMessage.from("You are a helpful assistant."));
        // the stable part first (system, earlier window), the recall just before the question it answers
        assertThat(messages.get(1)).isEqualTo(AiMessage.from("Got it."));
        String recalled = ((UserMessage) messages.get(2)).singleText();
        assertThat(recalled).startsWith(RecallPrompt.RECALL_HEADER)
                .contains("[#1 user, 2023-05-08 13:56] My cousin Tomasz was born in Samarkand.");
        assertThat(messages.subList(3, messages.size())).containsExactly(
                UserMessage.from("Where was my cousin Tomasz born?"));
    }

    @Test
    void each_turn_repeats_the_last_ones_stable_part_unchanged_so_a_prefix_cache_hits() {
        TitansChatMemory m = memory().maxMessages(7).evictionBlock(4).build();
        SystemMessage system = SystemMessage.from("You are a helpful assistant.");
        m.add(system);
        List.of(UserMessage.from("My cousin Tomasz was born in Samarkand."), AiMessage.from("Noted, Samarkand."),
                UserMessage.from("The wifi password at the greenhouse is quokka97."), AiMessage.from("Got it."),
                UserMessage.from("Let's bake sourdough."), AiMessage.from("It needs a lively starter."),
                UserMessage.from("How warm should the kitchen be?")).forEach(m::add);
        UserMessage question = UserMessage.from("Where was my cousin Tomasz born?");
        m.add(question);
        List<ChatMessage> before = m.messages();
        int stable = before.size() - 2; // all but the recall and the question
        assertThat(((UserMessage) before.get(stable)).singleText()).startsWith(RecallPrompt.RECALL_HEADER);

        m.add(AiMessage.from("In Samarkand."));
        m.add(UserMessage.from("And what is the wifi password?"));
        List<ChatMessage> after = m.messages();

        assertThat(after.subList(0, stable)).isEqualTo(before.subList(0, stable));
        assertThat(after.get(stable)).isEqualTo(question);
        assertThat(((UserMessage) after.get(after.size() - 2)).singleText()).startsWith(RecallPrompt.RECALL_HEADER);
    }

    @Test
    void persistent_messages_and_facts_are_always_present_before_the_recall_and_window() {
        UserMessage pinned = UserMessage.from("Task: plan a trip to Uzbekistan.");
        TitansChatMemory m = memory().maxMessages(2).persistentMessages(List.of(pinned))
                .persistentFacts(List.of("The user is vegetarian.", "Budget is 2000 EUR.")).build();

        assertThat(m.messages()).containsExactly(pinned,
                UserMessage.from("Persistent facts:\n- The user is vegetarian.\n- Budget is 2000 EUR."));
        m.add(UserMessage.from("hello"));
        assertThat(m.messages()).hasSize(3).endsWith(UserMessage.from("hello"));
    }

    @Test
    void a_pinned_system_message_is_refused_since_the_window_keeps_the_one_system_message_first() {
        // messages() would otherwise hold two system messages, or a system message after a pinned one
        assertThatThrownBy(() -> memory().maxMessages(2).persistentMessages(List.of(UserMessage.from("pinned"),
                SystemMessage.from("Always answer in French."))).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("persistentMessages must not hold a SystemMessage (entry 1): add it to the memory, whose "
                        + "window keeps one system message, first, never evicted");
        assertThatThrownBy(() -> memory().maxMessages(2).persistentMessages(null).build())
                .hasMessage("persistentMessages must not be null");
        assertThatThrownBy(() -> memory().maxMessages(2).persistentFacts(null).build())
                .hasMessage("persistentFacts must not be null");
    }

    @Test
    void tool_results_and_system_text_are_masked_unless_configured() {
        for (boolean memorize : new boolean[] {false, true}) {
            TitansChatMemory m = memory().maxMessages(1).memorizeToolResults(memorize).memorizeSystem(memorize)
                    .build();
            m.add(SystemMessage.from("Secret system rule zebra."));
            m.add(UserMessage.from("look up the zebra inventory"));
            m.add(ToolExecutionResultMessage.from("1", "inventory", "zebra count is 42"));
            m.add(SystemMessage.from("Another system rule."));
            m.add(AiMessage.from("There are some zebras."));
            m.add(UserMessage.from("thanks"));

            List<String> texts = m.rank("zebra count").stream().map(RecalledSegment::text).toList();
            assertThat(texts).contains("look up the zebra inventory", "There are some zebras.");
            if (memorize) {
                assertThat(texts).contains("inventory: zebra count is 42", "Secret system rule zebra.");
            } else {
                assertThat(texts).noneMatch(t -> t.contains("42") || t.contains("Secret"));
            }
        }
    }

    @Test
    void recall_respects_the_token_budget() {
        TitansChatMemoryWindowTest.WordEstimator words = new TitansChatMemoryWindowTest.WordEstimator();
        TitansChatMemory m = memory().maxMessages(1).tokenCountEstimator(words).recallBudgetTokens(40).build();
        for (int i = 0; i < 30; i++) {
            m.add(UserMessage.from("fact number " + i + " about the red lighthouse and its keeper"));
        }
        List<RecalledSegment> recalled = m.recall("red lighthouse keeper");
        int used = words.estimateTokenCountInText(RecallPrompt.RECALL_HEADER)
                + recalled.stream().mapToInt(s -> words.estimateTokenCountInText(s.line(ZoneOffset.UTC))).sum();
        assertThat(recalled).isNotEmpty();
        assertThat(used).isLessThanOrEqualTo(40);
        assertThat(m.recall("red lighthouse keeper")).hasSize(recalled.size());
        assertThat(memory().maxMessages(1).recallBudgetTokens(0).build().recall("x")).isEmpty();
    }

    @Test
    void state_survives_a_restart_through_the_store(@TempDir Path dir) {
        MemoryStateStore store = new FileMemoryStateStore(dir);
        TitansChatMemory first = memory().id("u1").maxMessages(2).store(store).build();
        first.add(UserMessage.from("The secret code of the scarlet door is 2599."));
        first.add(AiMessage.from("I will remember."));
        first.add(UserMessage.from("Tell me a joke."));
        first.add(AiMessage.from("Why did the chicken cross the road?"));

        TitansChatMemory restarted = memory().id("u1").maxMessages(2).store(new FileMemoryStateStore(dir)).build();
        assertThat(restarted.rank("secret code of the scarlet door").get(0))
                .extracting(RecalledSegment::seq, RecalledSegment::text)
                .containsExactly(0L, "The secret code of the scarlet door is 2599.");
        assertThat(restarted.messages()).endsWith(AiMessage.from("Why did the chicken cross the road?"));
        restarted.add(UserMessage.from("next"));
        restarted.add(UserMessage.from("again"));
        // the window and sequence numbers continue after a restart: #2 and #3 left the window, #4 and #5 are in it
        assertThat(restarted.rank("chicken joke")).extracting(RecalledSegment::seq).containsExactlyInAnyOrder(
                0L, 1L, 2L, 3L);
        // the window (next, again) with the recall just before its latest user message
        List<ChatMessage> messages = restarted.messages();
        assertThat(messages).hasSize(3).startsWith(UserMessage.from("next")).endsWith(UserMessage.from("again"));
        assertThat(((UserMessage) messages.get(1)).singleText()).startsWith(RecallPrompt.RECALL_HEADER);
    }

    @Test
    void clear_and_delete_remove_one_id_and_nothing_else(@TempDir Path dir) {
        MemoryStateStore store = new FileMemoryStateStore(dir);
        TitansChatMemoryProvider provider = TitansChatMemoryProvider.of(id -> memory().id(id).maxMessages(1)
                .store(store));
        for (int i = 0; i < 12; i++) {
            TitansChatMemory m = provider.get("user-" + i);
            m.add(UserMessage.from("user " + i + " likes color " + i));
            m.add(UserMessage.from("second message of " + i));
        }
        provider.get("user-3").clear();
        provider.delete("user-7");

        assertThat(store.ids()).hasSize(10).doesNotContain("user-3", "user-7");
        assertThat(provider.get("user-3").messages()).isEmpty();
        assertThat(provider.get("user-3").rank("likes color 3")).isEmpty();
        assertThat(provider.get("user-7").rank("likes color 7")).isEmpty();
        for (int i : new int[] {0, 1, 2, 4, 5, 6, 8, 9, 10, 11}) {
            List<RecalledSegment> ranked = provider.get("user-" + i).rank("likes color");
            assertThat(ranked).extracting(RecalledSegment::text).containsExactly("user " + i + " likes color " + i);
        }
        assertThat(provider.get("user-1")).isSameAs(provider.get("user-1"));
    }

    @Test
    void two_instances_on_one_id_never_lose_an_update() {
        InMemoryMemoryStateStore store = new InMemoryMemoryStateStore();
        TitansChatMemory a = memory().id("shared").maxMessages(10).store(store).build();
        TitansChatMemory b = memory().id("shared").maxMessages(10).store(store).build();
        a.messages(); // both have read the (empty) log
        b.messages();
        a.add(UserMessage.from("from a"));
        b.add(UserMessage.from("from b")); // b catches up with a's record before applying its own

        TitansChatMemory fresh = memory().id("shared").maxMessages(10).store(store).build();
        assertThat(fresh.messages()).containsExactly(UserMessage.from("from a"), UserMessage.from("from b"));
        assertThat(a.messages()).containsExactly(UserMessage.from("from a"), UserMessage.from("from b"));
    }

    @Test
    void time_of_each_message_is_kept_and_shown_in_the_zone_asked_for() {
        TitansChatMemory m = memory().maxMessages(1).zone(ZoneId.of("Europe/Warsaw")).build();
        m.add(UserMessage.from("We adopted a puppy called Biscuit."), Instant.parse("2023-07-14T18:30:00Z"));
        m.add(UserMessage.from("ok"));

        RecalledSegment recalled = m.rank("puppy Biscuit").get(0);
        assertThat(recalled.time()).isEqualTo(Instant.parse("2023-07-14T18:30:00Z"));
        assertThat(recalled.line(m.zone())).isEqualTo("[#0 user, 2023-07-14 20:30] We adopted a puppy called Biscuit.");
        assertThat(recalled.line()).isEqualTo("[#0 user, 2023-07-14 18:30] We adopted a puppy called Biscuit.");
    }

    @Test
    void a_question_naming_a_date_prefers_what_was_said_then() {
        TitansChatMemory m = memory().maxMessages(1).build();
        m.add(UserMessage.from("I went hiking in the mountains."), Instant.parse("2023-03-02T10:00:00Z"));
        m.add(UserMessage.from("I went hiking by the lake."), Instant.parse("2023-08-20T10:00:00Z"));
        m.add(UserMessage.from("ok"), Instant.parse("2023-09-01T10:00:00Z"));

        assertThat(m.rank("Where did I go hiking in August 2023?").get(0).text()).isEqualTo("I went hiking by the lake.");
        assertThat(m.rank("Where did I go hiking on 2 March 2023?").get(0).text())
                .isEqualTo("I went hiking in the mountains.");
    }

    @Test
    void the_lexical_second_hop_follows_the_person_the_best_match_names() {
        List<String> story = new ArrayList<>(List.of("Mary picked up the football."));
        String[] people = {"John", "Sandra", "Daniel"};
        String[] places = {"garden", "office", "bedroom", "hallway", "bathroom"};
        for (int i = 0; i < 15; i++) {
            story.add(people[i % 3] + " travelled to the " + places[i % 5] + ".");
            if (i == 6) {
                story.add("Mary went to the kitchen.");
            }
        }
        String question = "Where is the football?";
        RecallFusion d = RecallFusion.defaults();
        RecallFusion noHop = new RecallFusion(d.denseWeight(), d.lexicalWeight(), d.secondHopWeight(),
                d.secondHopAnchors(), d.timeWeight(), d.contextWeight(), d.k(), 0);
        List<String> withHop = top(story, question, d);
        List<String> without = top(story, question, noHop);

        assertThat(d.lexicalHopWeight()).isPositive();
        assertThat(withHop.get(0)).isEqualTo("Mary picked up the football.");
        assertThat(withHop.indexOf("Mary went to the kitchen.")).as("with the hop: among the first third of 17")
                .isBetween(1, 5);
        assertThat(without.indexOf("Mary went to the kitchen.")).as("without it nothing links the kitchen to the ball")
                .isGreaterThan(11);
    }

    private static List<String> top(List<String> story, String question, RecallFusion fusion) {
        TitansChatMemory m = memory().maxMessages(1).recallFusion(fusion).build();
        story.forEach(line -> m.add(UserMessage.from(line)));
        m.add(UserMessage.from("ok"));
        return m.rank(question).stream().map(RecalledSegment::text).toList();
    }

    @Test
    void every_add_writes_one_record_of_about_its_own_size_and_snapshots_come_every_n(@TempDir Path dir) {
        FileMemoryStateStore store = new FileMemoryStateStore(dir);
        TitansChatMemory m = memory().id("log").maxMessages(2).store(store).snapshotEvery(4).build();
        long previous = 0;
        List<Long> growth = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            m.add(UserMessage.from("message number " + i + " about the orchard"));
            long now = store.logBytes("log");
            growth.add(now - previous);
            previous = now;
        }
        // adds 1-3 append one record (a few hundred bytes); add 4 writes the snapshot and compacts the log
        assertThat(growth.subList(0, 3)).allSatisfy(g -> assertThat(g).isBetween(100L, 2_000L));
        assertThat(growth.subList(4, 7)).allSatisfy(g -> assertThat(g).isBetween(100L, 2_000L));
        MemoryLog log = store.readLog("log", 0, 0);
        assertThat(log.snapshot().position()).isEqualTo(4);
        assertThat(log.records()).extracting(MemoryLog.Record::position).containsExactly(5L, 6L, 7L);

        TitansChatMemory reloaded = memory().id("log").maxMessages(2).store(new FileMemoryStateStore(dir)).build();
        assertThat(reloaded.messages()).isEqualTo(m.messages());
        assertThat(reloaded.rank("orchard")).isEqualTo(m.rank("orchard"));
    }

    @Test
    void a_replay_of_the_log_reaches_exactly_the_live_state() {
        InMemoryMemoryStateStore store = new InMemoryMemoryStateStore();
        TitansChatMemory live = memory().id("r").maxMessages(3).store(store).snapshotEvery(1_000).build();
        for (int i = 0; i < 40; i++) {
            live.add(i % 2 == 0 ? UserMessage.from("user says fact " + i + " about topic " + (i % 5))
                    : AiMessage.from("assistant answers " + i));
        }
        TitansChatMemory replayed = memory().id("r").maxMessages(3).store(store).build();
        for (String query : List.of("fact about topic 3", "assistant answers", "topic 1")) {
            assertThat(replayed.rank(query)).isEqualTo(live.rank(query));
        }
        live.snapshot();
        TitansChatMemory fromSnapshot = memory().id("r").maxMessages(3).store(store).build();
        assertThat(fromSnapshot.rank("fact about topic 3")).isEqualTo(live.rank("fact about topic 3"));
        assertThat(store.readLog("r", 0, 0).snapshot().position()).isEqualTo(40);
    }

    @Test
    void concurrent_adds_to_one_memory_keep_every_message() throws Exception {
        TitansChatMemory m = memory().maxMessages(5).recallInMessages(false).build();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<Future<?>> futures = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            int thread = t;
            futures.add(pool.submit(() -> {
                for (int i = 0; i < 15; i++) {
                    m.add(UserMessage.from("thread " + thread + " message " + i));
                }
            }));
        }
        for (Future<?> f : futures) {
            f.get();
        }
        pool.shutdown();

        Set<Long> seqs = new HashSet<>();
        m.rank("thread message").forEach(s -> seqs.add(s.seq()));
        // 60 adds into 5: the sixth brings the window down to 2, then every fourth add again; 4 are left
        assertThat(seqs).hasSize(56);
        assertThat(m.messages()).hasSize(4);
        Set<String> texts = new HashSet<>();
        m.rank("thread message").forEach(s -> texts.add(s.text()));
        m.messages().forEach(msg -> texts.add(((UserMessage) msg).singleText()));
        assertThat(texts).hasSize(60);
    }

    @Test
    void messages_embeds_its_question_outside_the_lock_so_other_threads_go_on_meanwhile() throws Exception {
        GatedEmbeddingModel model = new GatedEmbeddingModel();
        TitansChatMemory m = tomaszAsked(model);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            model.gate(TOMASZ_QUESTION);
            Future<List<ChatMessage>> a = pool.submit(m::messages);
            model.awaitEntered();

            Future<List<ChatMessage>> b = pool.submit(() -> {
                m.add(AiMessage.from("In Samarkand."));
                return m.messages();
            });
            List<ChatMessage> bSaw = b.get(20, TimeUnit.SECONDS); // held up by a's encoder call if it held the lock
            assertThat(a).isNotDone();
            model.release();

            // a's question is still the window's, so a shows the window as b left it
            assertThat(a.get(20, TimeUnit.SECONDS)).isEqualTo(bSaw).isEqualTo(m.messages())
                    .endsWith(UserMessage.from(TOMASZ_QUESTION), AiMessage.from("In Samarkand."));
        } finally {
            model.release();
            pool.shutdownNow();
        }
    }

    @Test
    void messages_recalls_for_the_question_asked_when_it_returns_if_another_thread_asked_a_new_one() throws Exception {
        GatedEmbeddingModel model = new GatedEmbeddingModel();
        TitansChatMemory m = tomaszAsked(model);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            model.gate(TOMASZ_QUESTION);
            Future<List<ChatMessage>> a = pool.submit(m::messages);
            model.awaitEntered();
            pool.submit(() -> {
                m.add(AiMessage.from("In Samarkand."));
                m.add(UserMessage.from("And what is the wifi password?"));
            }).get(20, TimeUnit.SECONDS);
            model.release();

            List<ChatMessage> aSaw = a.get(20, TimeUnit.SECONDS);
            assertThat(aSaw).isEqualTo(m.messages());
            String recalled = ((UserMessage) aSaw.get(aSaw.size() - 2)).singleText();
            assertThat(recalled).startsWith(RecallPrompt.RECALL_HEADER).contains("quokka97")
                    .doesNotContain("Samarkand");
        } finally {
            model.release();
            pool.shutdownNow();
        }
    }

    private static final String TOMASZ_QUESTION = "Where was my cousin Tomasz born?";

    /** Window: system, "Got it.", the question; archived: Tomasz's birthplace, its answer, the wifi password. */
    private static TitansChatMemory tomaszAsked(EmbeddingModel model) {
        // ranked by the question's embedding alone, with room for one recalled line: the recall shows which
        // question's embedding it used
        TitansChatMemory m = memory().embeddingModel(model).maxMessages(3).evictionBlock(1).recallBudgetTokens(30)
                .recallFusion(new RecallFusion(1, 0, 0, 1, 0, 0, 10)).build();
        m.add(SystemMessage.from("You are a helpful assistant."));
        m.add(UserMessage.from("My cousin Tomasz was born in Samarkand."));
        m.add(AiMessage.from("Noted, Samarkand."));
        m.add(UserMessage.from("The wifi password at the greenhouse is quokka97."));
        m.add(AiMessage.from("Got it."));
        m.add(UserMessage.from(TOMASZ_QUESTION));
        return m;
    }

    /** The stand-in encoder, except that the first embedding of a gated text waits until released. */
    private static final class GatedEmbeddingModel extends HashingEmbeddingModel {
        private final AtomicReference<String> gated = new AtomicReference<>();
        private final CountDownLatch entered = new CountDownLatch(1);
        private final CountDownLatch released = new CountDownLatch(1);

        void gate(String text) {
            gated.set(text);
        }

        void awaitEntered() throws InterruptedException {
            assertThat(entered.await(20, TimeUnit.SECONDS)).as("the gated text was embedded").isTrue();
        }

        void release() {
            released.countDown();
        }

        @Override
        public Response<List<Embedding>> embedAll(List<TextSegment> segments) {
            for (TextSegment s : segments) {
                String gate = gated.get();
                if (s.text().equals(gate) && gated.compareAndSet(gate, null)) {
                    entered.countDown();
                    try {
                        if (!released.await(60, TimeUnit.SECONDS)) {
                            throw new IllegalStateException("never released");
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IllegalStateException(e);
                    }
                }
            }
            return super.embedAll(segments);
        }
    }

    @Test
    void corrupted_or_foreign_state_is_a_clear_error(@TempDir Path dir) throws Exception {
        FileMemoryStateStore store = new FileMemoryStateStore(dir);
        TitansChatMemory m = memory().id("c").maxMessages(1).store(store).build();
        for (String text : List.of("one", "two", "three")) {
            m.add(UserMessage.from(text));
        }
        Path log;
        try (var files = Files.list(dir)) {
            log = files.filter(f -> f.toString().endsWith(".log")).findFirst().orElseThrow();
        }
        byte[] bytes = Files.readAllBytes(log);
        bytes[bytes.length / 2] ^= 1; // inside a record that others follow
        Files.write(log, bytes);
        assertThatThrownBy(() -> memory().id("c").maxMessages(1).store(store).build().messages())
                .isInstanceOf(CorruptStateException.class).hasMessageContaining("damaged record");

        InMemoryMemoryStateStore shared = new InMemoryMemoryStateStore();
        memory().id("e").maxMessages(1).store(shared).build().add(UserMessage.from("x"));
        TitansChatMemory otherEncoder = TitansChatMemory.builder().id("e").maxMessages(1).store(shared)
                .embeddingModel(new HashingEmbeddingModel() {
                    @Override
                    public String modelName() {
                        return "another-model";
                    }
                }).build();
        assertThatThrownBy(otherEncoder::messages)
                .isInstanceOf(CorruptStateException.class).hasMessageContaining("another configuration");
    }

    @Test
    void a_state_saved_whole_by_version_4_is_imported_once_with_its_archive_and_window() throws Exception {
        InMemoryMemoryStateStore store = new InMemoryMemoryStateStore();
        byte[] v4;
        try (var in = getClass().getResourceAsStream("/chat-state-v4.bin")) {
            v4 = in.readAllBytes();
        }
        store.save("old", v4, 0);
        TitansChatMemory m = memory().id("old").maxMessages(2).store(store).recallInMessages(false).build();

        assertThat(m.messages()).containsExactly(UserMessage.from("Tell me a joke."),
                AiMessage.from("Why did the chicken cross the road?"));
        RecalledSegment best = m.rank("secret code of the scarlet door").get(0);
        assertThat(best.seq()).isZero();
        assertThat(best.text()).isEqualTo("The secret code of the scarlet door is 2599.");
        assertThat(best.time()).as("version 4 recorded no times").isNull();
        m.add(UserMessage.from("next"));
        assertThat(m.rank("joke")).extracting(RecalledSegment::seq).contains(2L);
        assertThat(store.readLog("old", 0, 0).records()).hasSize(2); // the import, then the add
    }

    @Test
    void a_state_saved_whole_by_version_4_is_imported_when_the_first_call_is_an_add() throws Exception {
        InMemoryMemoryStateStore store = new InMemoryMemoryStateStore();
        try (var in = getClass().getResourceAsStream("/chat-state-v4.bin")) {
            store.save("old", in.readAllBytes(), 0);
        }
        TitansChatMemory m = memory().id("old").maxMessages(2).store(store).recallInMessages(false).build();

        m.add(UserMessage.from("next"));

        assertThat(m.rank("secret code of the scarlet door")).extracting(RecalledSegment::text)
                .contains("The secret code of the scarlet door is 2599.");
        assertThat(store.readLog("old", 0, 0).records()).hasSize(2); // the import, then the add
    }

    @Test
    void content_retriever_recalls_for_the_query_memory_id_with_seq_metadata() {
        TitansChatMemoryProvider provider = TitansChatMemoryProvider.of(id -> memory().id(id).maxMessages(1)
                .recallInMessages(false));
        provider.get("alice").add(UserMessage.from("Alice keeps her bicycle in the blue shed."));
        provider.get("alice").add(UserMessage.from("ok"));
        provider.get("bob").add(UserMessage.from("Bob keeps his kayak in the garage."));
        provider.get("bob").add(UserMessage.from("ok"));

        TitansContentRetriever retriever = TitansContentRetriever.from(provider);
        Query query = Query.from("where is the bicycle kept?",
                Metadata.from(UserMessage.from("where is the bicycle kept?"), "alice", List.of()));
        List<Content> contents = retriever.retrieve(query);

        assertThat(contents).hasSize(1);
        assertThat(contents.get(0).textSegment().text())
                .isEqualTo("[#0 user, 2023-05-08 13:56] Alice keeps her bicycle in the blue shed.");
        assertThat(contents.get(0).textSegment().metadata().getLong("seq")).isZero();
        assertThat(contents.get(0).textSegment().metadata().getString("time")).isEqualTo("2023-05-08T13:56:00Z");
        assertThat(provider.get("alice").messages()).containsExactly(UserMessage.from("ok"));
    }
}
