package dev.titans4j.bench.recall.generate;

import dev.titans4j.bench.recall.dataset.Conversation;
import dev.titans4j.bench.recall.dataset.Question;
import dev.titans4j.bench.recall.dataset.RecallDataset;
import dev.titans4j.bench.recall.dataset.RecallDatasetValidator;
import dev.titans4j.bench.recall.dataset.Turn;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BabiDatasetGeneratorTest {

    // three hand-written stories in the bAbI format; the first has a statement question that later changes answer
    private static final String TASK = """
            1 Mary moved to the bathroom.
            2 Where is Mary? \tbathroom\t1
            3 Mary went to the garden.
            4 John got the football there.
            5 Where is Mary? \tgarden\t3
            1 Sandra travelled to the office.
            2 Daniel went to the kitchen.
            3 Where is Daniel? \tkitchen\t2
            1 Fred picked up the apple.
            2 Fred went to the park.
            3 Where is the apple? \tpark\t2 1
            """;

    @Test
    void eachStoryBecomesAFamilySessionWithItsLastQuestion(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("qa1_single-supporting-fact_test.txt"), TASK);

        RecallDataset dataset = new BabiDatasetGenerator(dir, "test", 10, 10_000, 1).generate(List.of("qa1"));

        RecallDatasetValidator.validate(dataset);
        assertThat(dataset.conversations()).hasSize(1);
        Conversation conversation = dataset.conversations().get(0);
        assertThat(conversation.id()).isEqualTo("qa1-c1");
        assertThat(conversation.turns()).extracting(Turn::id)
                .containsExactly("S1:1", "S1:3", "S1:4", "S2:1", "S2:2", "S3:1", "S3:2");
        assertThat(conversation.turns()).extracting(Turn::speaker)
                .containsExactly("Ann", "Ben", "Ann", "Ben", "Ann", "Ben", "Ann");
        assertThat(conversation.questions()).hasSize(3);

        Question first = conversation.questions().get(0);
        assertThat(first.evidence()).containsExactly("S1:3");
        assertThat(first.category()).isEqualTo("qa1_single-supporting-fact");
        assertThat(first.answer()).isEqualTo("garden");
        String mary = first.question().replace("Where is ", "").replace("?", "");
        assertThat(mary).matches("[A-Z][a-z]+").isNotIn("Mary", "John", "Sandra", "Daniel", "Fred");
        assertThat(textOf(conversation, "S1:3")).isEqualTo(mary + " went to the garden.");
        assertThat(textOf(conversation, "S1:1")).isEqualTo(mary + " moved to the bathroom.");
        assertThat(textOf(conversation, "S1:4")).matches("(\\w+) got the (\\w+) football there\\.")
                .doesNotContain(mary).doesNotContain("John");

        Question second = conversation.questions().get(1);
        String daniel = second.question().replace("Where is ", "").replace("?", "");
        assertThat(daniel).as("no story reuses another story's people").isNotEqualTo(mary);
        assertThat(textOf(conversation, "S2:2")).isEqualTo(daniel + " went to the kitchen.");

        Question third = conversation.questions().get(2);
        assertThat(third.evidence()).containsExactly("S3:2", "S3:1");
        assertThat(third.question()).matches("Where is the \\w+ apple\\?");
        String apple = third.question().replace("Where is the ", "").replace("?", "");
        assertThat(textOf(conversation, "S3:1")).endsWith("picked up the " + apple + ".");
        assertThat(conversation.questions()).extracting(Question::question).doesNotHaveDuplicates();
    }

    @Test
    void conversationsCloseAtTheTokenTargetAndShortRemaindersJoinThePreviousOne(@TempDir Path dir)
            throws Exception {
        Files.writeString(dir.resolve("qa1_x_test.txt"), TASK);

        // tokens = ceil(words x 1.3) with "Ann: ", names one word, objects + 1 adjective:
        // story 1 = "Ann: Mary went to the garden." 6 -> 8, "Ann: Mary moved to the bathroom." 6 -> 8,
        //   "Ann: John got the teal football there." 7 -> 10 = 26; story 2 = 8 + 8 = 16 ("Sandra travelled to the
        //   office", "Daniel went to the kitchen"); story 3 = "Fred picked up the teal apple." 7 -> 10 + 8 = 18
        RecallDataset one = new BabiDatasetGenerator(dir, "test", 10, 16, 1).generate(List.of("qa1"));
        RecallDataset kept = new BabiDatasetGenerator(dir, "test", 10, 34, 1).generate(List.of("qa1"));
        RecallDataset merged = new BabiDatasetGenerator(dir, "test", 10, 42, 1).generate(List.of("qa1"));

        assertThat(one.conversations()).extracting(c -> c.questions().size()).containsExactly(1, 1, 1);
        // 34: stories 1+2 = 42 close a conversation; story 3 (18) is at least half of 34 and stays alone
        assertThat(kept.conversations()).extracting(c -> c.questions().size()).containsExactly(2, 1);
        // 42: stories 1+2 = 42 close a conversation; story 3 (18) is under half of 42 and joins it
        assertThat(merged.conversations()).extracting(c -> c.questions().size()).containsExactly(3);
        assertThat(merged.conversations().get(0).turns()).extracting(Turn::session).containsExactly(1, 1, 1, 2, 2, 3, 3);
    }

    @Test
    void missingTaskIsAClearError(@TempDir Path dir) {
        assertThatThrownBy(() -> new BabiDatasetGenerator(dir, "test", 1, 100, 1).generate(List.of("qa7")))
                .hasMessageContaining("no bAbI file qa7_*_test.txt");
        assertThatThrownBy(() -> new BabiDatasetGenerator(dir, "test", 1, 100, 1).generate(List.of("seven")))
                .hasMessageContaining("must look like 'qa1'");
    }

    private static String textOf(Conversation conversation, String id) {
        return conversation.turns().stream().filter(t -> t.id().equals(id)).findFirst().orElseThrow().text();
    }
}
