package dev.titans4j.demo;

import dev.titans4j.titans.chat.RecalledSegment;
import java.util.List;

/**
 * What each memory put in front of the model for one question.
 *
 * @param question      the question
 * @param evidence      the message that holds its answer
 * @param recalled      what Titans recalled within its budget, best first
 * @param titansHit     whether the evidence is in Titans' context (recalled, or still in its short-term window)
 * @param windowHit     whether the evidence is in the plain window's context
 * @param titansTokens  tokens of Titans' context (short-term window plus recalled lines)
 * @param windowTokens  tokens of the plain window's context
 * @param oldestInWindow sequence number of the oldest message in the plain window
 */
public record QuestionOutcome(DemoQuestion question, ScriptMessage evidence, List<RecalledSegment> recalled,
                              boolean titansHit, boolean windowHit, int titansTokens, int windowTokens,
                              long oldestInWindow) {

    /** 1-based rank of the evidence among the recalled segments, or 0 when it was not recalled. */
    public int evidenceRank() {
        for (int i = 0; i < recalled.size(); i++) {
            if (recalled.get(i).seq() == evidence.index()) {
                return i + 1;
            }
        }
        return 0;
    }
}
