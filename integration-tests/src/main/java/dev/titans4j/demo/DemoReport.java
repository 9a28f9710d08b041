package dev.titans4j.demo;

import dev.titans4j.titans.chat.RecalledSegment;
import java.io.PrintWriter;
import java.util.List;

/** Writes what the demo shows, for a person to read: the setup, each question's contrast, the score. */
public final class DemoReport {

    /** Recalled lines shown per question (the answer's line is shown too when it ranks lower). */
    static final int SHOWN = 3;
    private static final int TEXT_WIDTH = 72;

    private final PrintWriter out;
    private final DemoScript script;

    public DemoReport(PrintWriter out, DemoScript script) {
        this.out = out;
        this.script = script;
    }

    public void header(DemoMemories memories, String encoder) {
        List<DemoSession> sessions = script.sessions();
        long factSessions = script.questions().stream().mapToInt(q -> script.evidence(q).session()).max().orElse(0);
        out.println("titans4j demo: Titans long-term memory in a LangChain4j ChatMemory");
        out.println();
        out.printf("Conversation: %d messages in %d sessions (%s to %s);%n", script.messages().size(),
                sessions.size(), sessions.get(0).date(), sessions.get(sessions.size() - 1).date());
        out.printf("  %d facts come up in sessions 1-%d, then %d questions are asked at the end.%n",
                script.questions().size(), factSessions, script.questions().size());
        out.println("Memories, given about the same number of tokens:");
        out.printf("  titans  TitansChatMemory: up to the last %d messages (down to half when it overflows) + up to %d tokens "
                + "recalled (%s + neural memory)%n", memories.windowMessages(), memories.recallTokens(), encoder);
        out.printf("  window  MessageWindowChatMemory: last %d messages%n", memories.plainWindowMessages());
        out.flush();
    }

    public void ingested(double seconds, int messages, boolean restored, String stateDir) {
        if (restored) {
            out.printf("Titans memory restored from %s (written by an earlier run; not ingested again).%n", stateDir);
        } else {
            out.printf("Ingested %d messages in %.1f s (%.0f ms per message, encoder and neural memory writes).%n",
                    messages, seconds, 1000 * seconds / Math.max(1, messages));
        }
        out.flush();
    }

    public void memoryState(int archivedSegments, int neuralStateBytes) {
        out.printf("Titans long-term memory: %d archived segments, neural state %.1f KiB (fixed size).%n",
                archivedSegments, neuralStateBytes / 1024.0);
        out.println();
        out.flush();
    }

    public void question(int number, QuestionOutcome o) {
        ScriptMessage evidence = o.evidence();
        out.printf("[%d/%d] %s%n", number, script.questions().size(), o.question().question());
        out.printf("       answer: %s  [said in session %d, message #%d, %s]%n", o.question().answer(),
                evidence.session(), evidence.index(), evidence.speaker());
        int rank = o.evidenceRank();
        out.printf("       titans: %s%n", rank > 0 ? "answer recalled, rank " + rank + " of " + o.recalled().size()
                : o.titansHit() ? "answer still in the short-term window" : "answer not recalled ("
                + o.recalled().size() + " segments recalled)");
        List<RecalledSegment> recalled = o.recalled();
        for (int i = 0; i < recalled.size(); i++) {
            if (i < SHOWN || i + 1 == rank) {
                out.println("         " + line(recalled.get(i), i + 1 == rank));
            }
        }
        if (recalled.size() > SHOWN && (rank == 0 || rank <= SHOWN)) {
            out.printf("           ... %d more%n", recalled.size() - SHOWN);
        }
        out.printf("       window: %s%n", o.windowHit() ? "answer in the window"
                : "answer not in the last " + (script.messages().size() - o.oldestInWindow())
                + " messages (oldest: #" + o.oldestInWindow() + ", session " + script.sessionOf(o.oldestInWindow())
                + ")");
        out.println();
        out.flush();
    }

    public void score(List<QuestionOutcome> outcomes) {
        long titans = outcomes.stream().filter(QuestionOutcome::titansHit).count();
        long window = outcomes.stream().filter(QuestionOutcome::windowHit).count();
        double titansTokens = outcomes.stream().mapToInt(QuestionOutcome::titansTokens).average().orElse(0);
        double windowTokens = outcomes.stream().mapToInt(QuestionOutcome::windowTokens).average().orElse(0);
        out.printf("Score: answer message in the context: titans %d/%d, window %d/%d%n", titans, outcomes.size(),
                window, outcomes.size());
        out.printf("Context per question (words x 1.3): titans %.0f tokens on average, window %.0f tokens%n",
                titansTokens, windowTokens);
        out.flush();
    }

    private String line(RecalledSegment s, boolean answer) {
        String who = String.format("#%-4d s%d %-4s", s.seq(), script.sessionOf(s.seq()), s.speaker());
        return (answer ? "> " : "  ") + who + " " + abbreviate(s.text());
    }

    static String abbreviate(String text) {
        String oneLine = text.replaceAll("\\s+", " ").strip();
        return oneLine.length() <= TEXT_WIDTH ? oneLine : oneLine.substring(0, TEXT_WIDTH - 3) + "...";
    }
}
