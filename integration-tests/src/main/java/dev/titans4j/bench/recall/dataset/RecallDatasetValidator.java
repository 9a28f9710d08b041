package dev.titans4j.bench.recall.dataset;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Checks a dataset before any memory sees it, so a broken file fails with a list of its problems instead of a
 * silently wrong score (an unknown evidence id would otherwise just count as "not recalled").
 */
public final class RecallDatasetValidator {

    private static final int MAX_REPORTED = 20;

    private RecallDatasetValidator() {
    }

    public static RecallDataset validate(RecallDataset dataset) {
        List<String> problems = new ArrayList<>();
        if (dataset.conversations() == null || dataset.conversations().isEmpty()) {
            problems.add("the dataset has no conversations");
        } else {
            Set<String> conversationIds = new HashSet<>();
            for (int i = 0; i < dataset.conversations().size(); i++) {
                Conversation conversation = dataset.conversations().get(i);
                String where = "conversation #" + (i + 1);
                if (conversation == null) {
                    problems.add(where + " is null");
                    continue;
                }
                if (blank(conversation.id())) {
                    problems.add(where + " has no id");
                } else {
                    where = "conversation '" + conversation.id() + "'";
                    if (!conversationIds.add(conversation.id())) {
                        problems.add(where + " appears twice");
                    }
                }
                checkConversation(where, conversation, problems);
            }
        }
        if (!problems.isEmpty()) {
            throw new InvalidRecallDatasetException(describe(problems));
        }
        return dataset;
    }

    private static void checkConversation(String where, Conversation conversation, List<String> problems) {
        Set<String> turnIds = new HashSet<>();
        if (conversation.turns() == null || conversation.turns().isEmpty()) {
            problems.add(where + " has no turns");
        } else {
            for (int t = 0; t < conversation.turns().size(); t++) {
                Turn turn = conversation.turns().get(t);
                String turnWhere = where + " turn #" + (t + 1);
                if (turn == null) {
                    problems.add(turnWhere + " is null");
                    continue;
                }
                if (blank(turn.id())) {
                    problems.add(turnWhere + " has no id");
                } else if (!turnIds.add(turn.id())) {
                    problems.add(where + " has duplicate turn id '" + turn.id() + "'");
                }
                if (blank(turn.speaker())) {
                    problems.add(turnWhere + " has no speaker");
                }
                if (blank(turn.text())) {
                    problems.add(turnWhere + " has no text");
                }
            }
        }
        if (conversation.questions() == null || conversation.questions().isEmpty()) {
            problems.add(where + " has no questions");
            return;
        }
        Set<String> questionIds = new HashSet<>();
        for (int q = 0; q < conversation.questions().size(); q++) {
            Question question = conversation.questions().get(q);
            String questionWhere = where + " question #" + (q + 1);
            if (question == null) {
                problems.add(questionWhere + " is null");
                continue;
            }
            if (blank(question.id())) {
                problems.add(questionWhere + " has no id");
            } else {
                questionWhere = where + " question '" + question.id() + "'";
                if (!questionIds.add(question.id())) {
                    problems.add(questionWhere + " appears twice");
                }
            }
            if (blank(question.question())) {
                problems.add(questionWhere + " has no question text");
            }
            if (blank(question.category())) {
                problems.add(questionWhere + " has no category");
            }
            if (question.evidence() == null || question.evidence().isEmpty()) {
                problems.add(questionWhere + " has no evidence");
                continue;
            }
            for (String evidence : question.evidence()) {
                if (!turnIds.contains(evidence)) {
                    problems.add(questionWhere + " cites unknown evidence turn '" + evidence + "'");
                }
            }
        }
    }

    private static String describe(List<String> problems) {
        StringBuilder message = new StringBuilder("invalid recall dataset (" + problems.size() + " problem"
                + (problems.size() == 1 ? "" : "s") + "):");
        problems.stream().limit(MAX_REPORTED).forEach(p -> message.append("\n  - ").append(p));
        if (problems.size() > MAX_REPORTED) {
            message.append("\n  ... and ").append(problems.size() - MAX_REPORTED).append(" more");
        }
        return message.toString();
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
