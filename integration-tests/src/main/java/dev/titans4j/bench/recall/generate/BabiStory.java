package dev.titans4j.bench.recall.generate;

import java.util.List;

/** One bAbI story: its statements and questions in file order (ids restart at 1 for each story). */
public record BabiStory(List<Statement> statements, List<BabiQuestion> questions) {

    public record Statement(int id, String text) {
    }

    public record BabiQuestion(int id, String text, String answer, List<Integer> supportingFacts) {
    }

    public BabiStory {
        statements = List.copyOf(statements);
        questions = List.copyOf(questions);
    }
}
