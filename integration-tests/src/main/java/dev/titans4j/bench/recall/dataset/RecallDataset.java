package dev.titans4j.bench.recall.dataset;

import java.util.List;

/** The whole benchmark file: {@code {"conversations":[...]}}. */
public record RecallDataset(List<Conversation> conversations) {

    public RecallDataset {
        conversations = conversations == null ? null : List.copyOf(conversations);
    }

    public int turnCount() {
        return conversations.stream().mapToInt(c -> c.turns().size()).sum();
    }

    public int questionCount() {
        return conversations.stream().mapToInt(Conversation::questionCount).sum();
    }
}
