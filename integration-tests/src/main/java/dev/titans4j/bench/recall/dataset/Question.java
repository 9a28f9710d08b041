package dev.titans4j.bench.recall.dataset;

import java.util.List;

/**
 * A question asked after the last turn of its conversation.
 *
 * @param evidence ids of the turns that hold the answer; recall is measured against them
 * @param category grouping for the per-category scores (bAbI task, needle depth, ...)
 */
public record Question(String id, String question, String answer, List<String> evidence, String category) {

    public Question {
        evidence = evidence == null ? null : List.copyOf(evidence);
    }
}
