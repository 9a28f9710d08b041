package dev.titans4j.titans.chat;

import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;
import dev.titans4j.titans.store.FileMemoryStateStore;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** End-to-end with the real in-process all-MiniLM-L6-v2 encoder (loads in about a second). */
class TitansChatMemoryMiniLmTest {

    private static EmbeddingModel miniLm;

    @BeforeAll
    static void loadModel() {
        miniLm = new AllMiniLmL6V2EmbeddingModel();
    }

    /** A coreference story: the answer sentence never names Mary; only its context (the previous turn) does. */
    private static final List<String> STORY = List.of(
            "John travelled to the office.",
            "Sandra journeyed to the bedroom.",
            "Mary moved to the kitchen.",
            "Afterwards she went to the garden.",
            "Daniel went back to the hallway.",
            "John moved to the bathroom.",
            "Then he journeyed to the office.",
            "Sandra went to the hallway.",
            "Daniel travelled to the kitchen.",
            "After that he went to the bedroom.",
            "John went back to the garden.",
            "Sandra moved to the bathroom.");

    private static TitansChatMemory told(boolean neuralWrites) {
        TitansChatMemory m = TitansChatMemory.builder().maxMessages(1).embeddingModel(miniLm)
                .neuralWrites(neuralWrites).build();
        for (int i = 0; i < STORY.size(); i++) {
            m.add(i % 2 == 0 ? UserMessage.from(STORY.get(i)) : AiMessage.from(STORY.get(i)));
        }
        m.add(UserMessage.from("ok"));
        return m;
    }

    private static int rankOf(List<RecalledSegment> ranked, long seq) {
        for (int i = 0; i < ranked.size(); i++) {
            if (ranked.get(i).seq() == seq) {
                return i;
            }
        }
        return -1;
    }

    @Test
    void a_turn_that_never_names_the_person_is_found_through_its_context_key() {
        for (boolean neuralWrites : new boolean[] {true, false}) {
            List<RecalledSegment> ranked = told(neuralWrites).rank("Where is Mary?");
            // "Afterwards she went to the garden." (#3) shares no word with the question; its context key holds
            // the turn before it, which names Mary
            assertThat(rankOf(ranked, 2)).isZero();
            assertThat(rankOf(ranked, 3)).isBetween(0, 3);
        }
    }

    @Test
    void recall_with_provenance_survives_a_restart_on_the_file_store(@TempDir Path dir) {
        List<ChatMessage> conversation = List.of(
                UserMessage.from("My cousin Tomasz was born in Samarkand."),
                AiMessage.from("Samarkand is a beautiful city on the Silk Road."),
                UserMessage.from("The wifi password at the greenhouse is quokka97."),
                AiMessage.from("Noted."),
                UserMessage.from("Let's talk about sourdough bread."),
                AiMessage.from("Sourdough needs a lively starter and a long fermentation."),
                UserMessage.from("How warm should the kitchen be?"),
                AiMessage.from("Around 24 degrees is ideal for the bulk ferment."));
        TitansChatMemory before = TitansChatMemory.builder().id("user-42").maxMessages(4).embeddingModel(miniLm)
                .store(new FileMemoryStateStore(dir)).build();
        conversation.forEach(before::add);

        TitansChatMemory after = TitansChatMemory.builder().id("user-42").maxMessages(4).embeddingModel(miniLm)
                .store(new FileMemoryStateStore(dir)).recallBudgetTokens(40).build();
        after.add(UserMessage.from("What is the password of the greenhouse wifi?"));

        List<RecalledSegment> recalled = after.recall("What is the password of the greenhouse wifi?");
        assertThat(recalled.get(0)).extracting(RecalledSegment::seq, RecalledSegment::text)
                .containsExactly(2L, "The wifi password at the greenhouse is quokka97.");
        List<ChatMessage> messages = after.messages();
        assertThat(messages.get(messages.size() - 1))
                .isEqualTo(UserMessage.from("What is the password of the greenhouse wifi?"));
        String injected = ((UserMessage) messages.get(messages.size() - 2)).singleText(); // just before the question
        assertThat(injected).startsWith(RecallPrompt.RECALL_HEADER)
                .containsPattern("\\[#2 user, \\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}\\] The wifi password at the greenhouse is quokka97\\.");
    }
}
