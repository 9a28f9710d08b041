package dev.titans4j.bench.recall;

import dev.titans4j.bench.recall.dataset.Conversation;
import dev.titans4j.bench.recall.dataset.Question;
import dev.titans4j.bench.recall.dataset.RecallDataset;
import dev.titans4j.bench.recall.dataset.Turn;
import dev.titans4j.bench.recall.memory.ChatTurn;

import java.util.ArrayList;
import java.util.List;

/** Hand-made conversations for the recall benchmark tests. */
public final class Fixtures {

    private Fixtures() {
    }

    /**
     * Ten turns of exactly 4 words each with the speaker prefix ("Ann: w w w" = 4 words = ceil(5.2) = 6 tokens);
     * turn 2 holds the rare word "zeppelin".
     */
    public static Conversation tenTurnConversation() {
        List<Turn> turns = new ArrayList<>();
        for (int i = 1; i <= 10; i++) {
            String text = i == 2 ? "zeppelin lands tonight" : "weather is fine";
            turns.add(new Turn("S1:" + i, 1, "2024-01-01T10:00", i % 2 == 1 ? "Ann" : "Ben", text));
        }
        List<Question> questions = List.of(
                new Question("old", "When does the zeppelin land?", "tonight", List.of("S1:2"), "old"),
                new Question("recent", "How is the weather?", "fine", List.of("S1:10"), "recent"),
                new Question("both", "What happened?", "-", List.of("S1:1", "S1:9"), "recent"));
        return new Conversation("c1", turns, questions);
    }

    public static RecallDataset tenTurnDataset() {
        return new RecallDataset(List.of(tenTurnConversation()));
    }

    public static List<ChatTurn> chatTurns(Conversation conversation) {
        List<ChatTurn> result = new ArrayList<>();
        String first = conversation.turns().get(0).speaker();
        for (Turn turn : conversation.turns()) {
            result.add(ChatTurn.of(result.size(), turn, first));
        }
        return result;
    }
}
