package dev.titans4j.bench.recall.dataset;

import java.util.List;

/** One benchmark conversation: turns added in order, then every question asked. */
public record Conversation(String id, List<Turn> turns, List<Question> questions) {

    public Conversation {
        turns = turns == null ? null : List.copyOf(turns);
        questions = questions == null ? null : List.copyOf(questions);
    }

    public int questionCount() {
        return questions.size();
    }
}
