package dev.titans4j.bench.recall.dataset;

import dev.titans4j.bench.recall.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RecallDatasetJsonTest {

    private static final String ONE_TURN = """
            {"conversations":[{"id":"c1",
              "turns":[{"id":"S1:1","session":1,"time":"2024-05-01 10:00","speaker":"Ann","text":"I adopted a cat."}],
              "questions":[{"id":"q1","question":"What pet?","answer":"a cat","evidence":["S1:1"],"category":"pets"}]}]}
            """;

    @Test
    void roundTripKeepsEveryField(@TempDir Path dir) throws Exception {
        RecallDataset dataset = Fixtures.tenTurnDataset();
        Path file = dir.resolve("sub/set.json");
        RecallDatasetJson.write(dataset, file);

        assertThat(RecallDatasetJson.read(file)).isEqualTo(dataset);
        assertThat(Files.readString(file)).startsWith("{\"conversations\":[{\"id\":\"c1\",\"turns\":[{\"id\":\"S1:1\","
                + "\"session\":1,\"time\":\"2024-01-01T10:00\",\"speaker\":\"Ann\",\"text\":");
    }

    @Test
    void readsTheIssueFormat() {
        RecallDataset dataset = RecallDatasetJson.parse(ONE_TURN);

        Conversation conversation = dataset.conversations().get(0);
        assertThat(conversation.turns()).containsExactly(
                new Turn("S1:1", 1, "2024-05-01 10:00", "Ann", "I adopted a cat."));
        assertThat(conversation.questions()).containsExactly(
                new Question("q1", "What pet?", "a cat", List.of("S1:1"), "pets"));
    }

    @Test
    void unknownEvidenceIsNamed() {
        String json = ONE_TURN.replace("\"evidence\":[\"S1:1\"]", "\"evidence\":[\"S1:1\",\"S9:9\"]");

        assertThatThrownBy(() -> RecallDatasetJson.parse(json))
                .isInstanceOf(InvalidRecallDatasetException.class)
                .hasMessageContaining("conversation 'c1' question 'q1' cites unknown evidence turn 'S9:9'");
    }

    @Test
    void emptyDatasetAndEmptyConversationAreRejected() {
        assertThatThrownBy(() -> RecallDatasetJson.parse("{\"conversations\":[]}"))
                .hasMessageContaining("the dataset has no conversations");
        assertThatThrownBy(() -> RecallDatasetJson.parse(
                "{\"conversations\":[{\"id\":\"c7\",\"turns\":[],\"questions\":[]}]}"))
                .hasMessageContaining("conversation 'c7' has no turns")
                .hasMessageContaining("conversation 'c7' has no questions");
    }

    @Test
    void duplicateTurnIdsAndMissingTextAreRejected() {
        String duplicated = ONE_TURN.replace("\"text\":\"I adopted a cat.\"}]",
                "\"text\":\"I adopted a cat.\"},{\"id\":\"S1:1\",\"session\":1,\"time\":\"t\",\"speaker\":\"Ben\","
                        + "\"text\":\" \"}]");

        assertThatThrownBy(() -> RecallDatasetJson.parse(duplicated))
                .hasMessageContaining("duplicate turn id 'S1:1'")
                .hasMessageContaining("turn #2 has no text");
    }

    @Test
    void misspelledFieldIsAnErrorNotSilentlyIgnored() {
        String json = ONE_TURN.replace("\"evidence\"", "\"evidences\"");

        assertThatThrownBy(() -> RecallDatasetJson.parse(json))
                .isInstanceOf(InvalidRecallDatasetException.class)
                .hasMessageContaining("evidences");
    }

    @Test
    void malformedJsonAndMissingFileGiveClearErrors(@TempDir Path dir) {
        assertThatThrownBy(() -> RecallDatasetJson.parse("{\"conversations\":[{"))
                .isInstanceOf(InvalidRecallDatasetException.class)
                .hasMessageStartingWith("malformed recall dataset");
        assertThatThrownBy(() -> RecallDatasetJson.read(dir.resolve("absent.json")))
                .isInstanceOf(InvalidRecallDatasetException.class)
                .hasMessageContaining("not found");
    }
}
