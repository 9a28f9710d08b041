package dev.titans4j.bench.recall.memory;

import dev.titans4j.bench.recall.Fixtures;
import dev.titans4j.bench.recall.dataset.Turn;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class Bm25RankerTest {

    @Test
    void findsTheTurnWithAnExactRareWord() {
        try (Bm25Ranker ranker = new Bm25Ranker()) {
            Fixtures.chatTurns(Fixtures.tenTurnConversation()).forEach(ranker::index);

            List<ChatTurn> ranked = ranker.rank("When does the zeppelin land?");

            assertThat(ranked).isNotEmpty();
            assertThat(ranked.get(0).id()).isEqualTo("S1:2");
        }
    }

    @Test
    void turnsSharingNoTermAreNotRanked() {
        try (Bm25Ranker ranker = new Bm25Ranker()) {
            Fixtures.chatTurns(Fixtures.tenTurnConversation()).forEach(ranker::index);

            assertThat(ranker.rank("zeppelin")).extracting(ChatTurn::id).containsExactly("S1:2");
            assertThat(ranker.rank("the of and")).as("only stop words").isEmpty();
        }
    }

    @Test
    void englishAnalyzerStemsSoInflectionsMatch() {
        try (Bm25Ranker ranker = new Bm25Ranker()) {
            ranker.index(turn(0, "I keep the codes for the doors here"));
            ranker.index(turn(1, "Nothing to see"));

            assertThat(ranker.rank("What is the code of the door?")).extracting(ChatTurn::seq).containsExactly(0);
        }
    }

    @Test
    void rarerTermOutweighsCommonTermAsBm25Idf() {
        try (Bm25Ranker ranker = new Bm25Ranker()) {
            // "garden" is in 4 of 5 turns, "violin" in one: a turn with only the rare term must win
            ranker.index(turn(0, "garden garden party"));
            ranker.index(turn(1, "garden tools"));
            ranker.index(turn(2, "a violin lesson"));
            ranker.index(turn(3, "garden gate"));
            ranker.index(turn(4, "garden hose"));

            assertThat(ranker.rank("garden violin").get(0).seq()).isEqualTo(2);
        }
    }

    @Test
    void newTurnsBecomeSearchableWithoutExplicitCommit() {
        try (Bm25Ranker ranker = new Bm25Ranker()) {
            ranker.index(turn(0, "first words"));
            assertThat(ranker.rank("first")).hasSize(1);
            ranker.index(turn(1, "second words"));
            assertThat(ranker.rank("second")).extracting(ChatTurn::seq).containsExactly(1);
            assertThat(ranker.indexBytes()).isPositive();
        }
    }

    private static ChatTurn turn(int seq, String text) {
        return ChatTurn.of(seq, new Turn("S1:" + seq, 1, "t", "Ann", text), "Ann");
    }
}
