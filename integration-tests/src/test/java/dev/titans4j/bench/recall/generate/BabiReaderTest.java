package dev.titans4j.bench.recall.generate;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BabiReaderTest {

    @Test
    void parsesStoriesStatementsAndTabSeparatedQuestions() {
        List<BabiStory> stories = BabiReader.parse(List.of(
                "1 Mary moved to the bathroom.",
                "2 John went to the hallway.",
                "3 Where is Mary? \tbathroom\t1",
                "4 Mary got the milk there.",
                "5 What is Mary carrying?\tmilk\t4 1",
                "1 Sandra travelled to the office.",
                "2 Where is Sandra? \toffice\t1"), "test");

        assertThat(stories).hasSize(2);
        assertThat(stories.get(0).statements()).containsExactly(
                new BabiStory.Statement(1, "Mary moved to the bathroom."),
                new BabiStory.Statement(2, "John went to the hallway."),
                new BabiStory.Statement(4, "Mary got the milk there."));
        assertThat(stories.get(0).questions()).containsExactly(
                new BabiStory.BabiQuestion(3, "Where is Mary?", "bathroom", List.of(1)),
                new BabiStory.BabiQuestion(5, "What is Mary carrying?", "milk", List.of(4, 1)));
        assertThat(stories.get(1).questions().get(0).supportingFacts()).containsExactly(1);
    }

    @Test
    void acceptsPipeSeparatedQuestions() {
        List<BabiStory> stories = BabiReader.parse(List.of(
                "1 John travelled to the hallway.",
                "2 Where is John? |hallway|1"), "test");

        assertThat(stories.get(0).questions()).containsExactly(
                new BabiStory.BabiQuestion(2, "Where is John?", "hallway", List.of(1)));
    }

    @Test
    void malformedLinesNameFileAndLine() {
        assertThatThrownBy(() -> BabiReader.parse(List.of("1 ok.", "Mary moved."), "qa9.txt"))
                .hasMessageContaining("qa9.txt:2").hasMessageContaining("not a bAbI line");
        assertThatThrownBy(() -> BabiReader.parse(List.of("1 ok.", "2 Where?\tthere"), "qa9.txt"))
                .hasMessageContaining("qa9.txt:2").hasMessageContaining("supporting fact ids");
        assertThatThrownBy(() -> BabiReader.parse(List.of("1 ok.", "2 Where?\tthere\tone"), "qa9.txt"))
                .hasMessageContaining("not a number: 'one'");
    }
}
