package dev.titans4j.bench.recall.memory;

import dev.titans4j.bench.recall.Fixtures;
import dev.titans4j.bench.recall.IngestProgress;
import dev.titans4j.bench.recall.MemoryResult;
import dev.titans4j.bench.recall.RecallBenchmark;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class WindowMemoryTest {

    @Test
    void injectsTheMostRecentTurnsThatFit() {
        WindowMemory memory = new WindowMemory();
        List<ChatTurn> turns = Fixtures.chatTurns(Fixtures.tenTurnConversation());
        turns.forEach(memory::add);

        // every turn is "Ann: weather is fine": 4 words -> ceil(5.2) = 6 tokens
        assertThat(turns).allSatisfy(t -> assertThat(t.tokens()).isEqualTo(6));
        assertThat(memory.inject("anything", 12)).extracting(ChatTurn::id).containsExactly("S1:9", "S1:10");
        assertThat(memory.inject("anything", 17)).extracting(ChatTurn::id).containsExactly("S1:9", "S1:10");
        assertThat(memory.inject("anything", 18)).extracting(ChatTurn::id).containsExactly("S1:8", "S1:9", "S1:10");
    }

    @Test
    void benchmarkScoresTheWindowBaselineByHand() {
        MemoryResult result = new RecallBenchmark(12, IngestProgress.NONE)
                .run("window", WindowMemory::new, Fixtures.tenTurnDataset());

        // window = S1:9, S1:10. old (S1:2) -> 0; recent (S1:10) -> 1; both (S1:1, S1:9) -> 1/2
        assertThat(result.overall()).isCloseTo(0.5, within(1e-12));
        assertThat(result.categories()).containsEntry("old", 0.0).containsEntry("recent", 0.75);
        assertThat(result.categories().keySet()).containsExactly("old", "recent");
        assertThat(result.injectedTokens()).isEqualTo(12.0);
        assertThat(result.questions()).isEqualTo(3);
        assertThat(result.turns()).isEqualTo(10);
        // stored text: 10 messages, "Ann: " prefix (5) + text; turn 2 is "Ben: zeppelin lands tonight"
        assertThat(result.stateBytes()).isEqualTo(9 * "Ann: weather is fine".length()
                + "Ben: zeppelin lands tonight".length());
    }

    @Test
    void firstSpeakerIsTheUserAndTheOtherTheAi() {
        List<ChatTurn> turns = Fixtures.chatTurns(Fixtures.tenTurnConversation());

        assertThat(turns.get(0).message()).isInstanceOf(dev.langchain4j.data.message.UserMessage.class);
        assertThat(((dev.langchain4j.data.message.UserMessage) turns.get(0).message()).singleText())
                .isEqualTo("Ann: weather is fine");
        assertThat(turns.get(1).message()).isInstanceOf(dev.langchain4j.data.message.AiMessage.class);
        assertThat(((dev.langchain4j.data.message.AiMessage) turns.get(1).message()).text())
                .isEqualTo("Ben: zeppelin lands tonight");
    }
}
