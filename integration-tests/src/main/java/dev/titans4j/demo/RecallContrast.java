package dev.titans4j.demo;

import dev.langchain4j.data.message.ChatMessage;
import dev.titans4j.titans.chat.RecalledSegment;
import dev.titans4j.titans.chat.TitansChatMemory;
import java.util.ArrayList;
import java.util.List;

/**
 * Asks each question of both memories: what Titans recalls for it (keyed on the question, as
 * {@code TitansContentRetriever} does for AiServices) next to what the plain window holds, and whether the message
 * with the answer is among it.
 */
public final class RecallContrast {

    private RecallContrast() {
    }

    public static List<QuestionOutcome> run(DemoScript script, DemoMemories memories) {
        TitansChatMemory titans = memories.titans();
        List<ChatMessage> titansWindow = titans.messages();
        List<ChatMessage> plainWindow = memories.window().messages();
        int titansWindowTokens = tokens(titansWindow);
        int plainTokens = tokens(plainWindow);
        long oldestInWindow = script.messages().size() - plainWindow.size();
        List<QuestionOutcome> outcomes = new ArrayList<>();
        for (DemoQuestion q : script.questions()) {
            ScriptMessage evidence = script.evidence(q);
            ChatMessage evidenceMessage = evidence.toChatMessage();
            List<RecalledSegment> recalled = titans.recall(q.question());
            boolean recalledIt = recalled.stream().anyMatch(s -> s.seq() == evidence.index());
            int recalledTokens = recalled.stream().mapToInt(s -> WordTokens.count(s.line())).sum();
            outcomes.add(new QuestionOutcome(q, evidence, recalled,
                    recalledIt || titansWindow.contains(evidenceMessage), plainWindow.contains(evidenceMessage),
                    titansWindowTokens + recalledTokens, plainTokens, oldestInWindow));
        }
        return outcomes;
    }

    private static int tokens(List<ChatMessage> messages) {
        return messages.stream().mapToInt(m -> WordTokens.count(MessageTexts.of(m))).sum();
    }
}
