package dev.titans4j.demo;

import dev.langchain4j.model.TokenCountEstimator;

import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.memory.chat.MessageWindowChatMemory;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.titans4j.titans.chat.RecalledSegment;
import dev.titans4j.titans.chat.TitansChatMemory;
import dev.titans4j.titans.chat.TitansChatMemoryProvider;
import dev.titans4j.titans.store.MemoryStateStore;
import java.util.Comparator;
import java.util.List;

/**
 * The two memories the demo compares, over the same conversation and about the same token budget: Titans (a
 * short-term window of {@code windowMessages} plus up to {@code recallTokens} of recalled conversation) and a plain
 * {@link MessageWindowChatMemory} given as many more messages as the recall budget holds on average.
 */
public final class DemoMemories {

    /** The memory id the demo conversation lives under. */
    public static final String MEMORY_ID = "demo";

    private final TitansChatMemoryProvider titansProvider;
    private final MessageWindowChatMemory window;
    private final int windowMessages;
    private final int plainWindowMessages;
    private final int recallTokens;

    public DemoMemories(DemoScript script, EmbeddingModel encoder, MemoryStateStore store, int windowMessages,
                        int recallTokens) {
        this(script, encoder, store, windowMessages, recallTokens, null);
    }

    /**
     * With {@code modelTokens}, Titans counts its recall budget in the model's own tokens ({@code recallTokens}
     * converted at the script's rate), so recalled lines (times and numbers included) fit the model's context.
     */
    public DemoMemories(DemoScript script, EmbeddingModel encoder, MemoryStateStore store, int windowMessages,
                        int recallTokens, TokenCountEstimator modelTokens) {
        if (windowMessages < 1) {
            throw new IllegalArgumentException("the window must hold at least 1 message, got " + windowMessages);
        }
        if (recallTokens < 1) {
            throw new IllegalArgumentException("the recall budget must be at least 1 token, got " + recallTokens);
        }
        this.windowMessages = windowMessages;
        this.recallTokens = recallTokens;
        // recall in messages() is off: AiServices gets recall keyed on the current question from the retriever
        int recallBudget = modelTokens == null ? recallTokens
                : (int) Math.round(recallTokens * ContextFit.modelTokensPerWordToken(script, modelTokens));
        this.titansProvider = TitansChatMemoryProvider.of(id -> TitansChatMemory.builder().id(id)
                .maxMessages(windowMessages).recallBudgetTokens(recallBudget).recallInMessages(false)
                .tokenCountEstimator(modelTokens).embeddingModel(encoder).store(store));
        this.plainWindowMessages = windowMessages + extraMessages(script, recallTokens);
        this.window = MessageWindowChatMemory.withMaxMessages(plainWindowMessages);
    }

    /** How many average messages of the script fit in the recall budget. */
    private static int extraMessages(DemoScript script, int recallTokens) {
        double average = script.messages().stream().mapToInt(m -> WordTokens.count(m.text())).average().orElse(1);
        return Math.max(1, (int) Math.round(recallTokens / average));
    }

    /**
     * Whether the Titans store already holds {@code script}'s conversation (a {@code --state-dir} from an earlier
     * run); fails when it holds another conversation or only the start of this one (an ingest cut short), whose
     * recall would be scored against the wrong messages. Messages after the script (an earlier run's questions to
     * the model and its answers) may follow.
     */
    public boolean titansRestored(DemoScript script) {
        TitansChatMemory memory = titans();
        List<ChatMessage> window = memory.messages();
        if (memory.archivedSegments() == 0 && window.isEmpty()) {
            return false;
        }
        List<ScriptMessage> messages = script.messages();
        int archived = 0; // the script's messages 0 … archived − 1 left the window; the rest must open it
        List<RecalledSegment> archive = memory.rank(messages.get(0).text()).stream()
                .sorted(Comparator.comparingLong(RecalledSegment::seq)).toList(); // the first difference is named
        for (RecalledSegment s : archive) {
            if (s.seq() < messages.size()) {
                ScriptMessage m = messages.get((int) s.seq());
                if (!m.speaker().equals(s.speaker()) || !words(m.text()).contains(words(s.text()))) {
                    throw notThisConversation("message #" + s.seq() + " differs");
                }
                archived = Math.max(archived, (int) s.seq() + 1);
            }
        }
        for (int i = archived; i < messages.size(); i++) {
            int at = i - archived;
            if (at >= window.size() || !window.get(at).equals(messages.get(i).toChatMessage())) {
                throw notThisConversation("message #" + i + (at < window.size() ? " differs" : " is missing"));
            }
        }
        return true;
    }

    private static IllegalStateException notThisConversation(String why) {
        return new IllegalStateException("the Titans memory in the state folder holds another conversation or an "
                + "unfinished one (" + why + "); use an empty --state-dir");
    }

    /** Text with its white space runs as single spaces, as long messages are cut into segments. */
    private static String words(String text) {
        return String.join(" ", text.strip().split("\\s+"));
    }

    /** Adds the script's messages to the plain window, and to Titans unless {@code titansToo} is false. */
    public void ingest(DemoScript script, boolean titansToo, ProgressLine progress) {
        for (ScriptMessage m : script.messages()) {
            ChatMessage message = m.toChatMessage();
            window.add(message);
            if (titansToo) {
                titans().add(message);
            }
            progress.advance();
        }
        progress.finish();
    }

    public TitansChatMemoryProvider titansProvider() {
        return titansProvider;
    }

    public TitansChatMemory titans() {
        return titansProvider.get(MEMORY_ID);
    }

    public MessageWindowChatMemory window() {
        return window;
    }

    public int windowMessages() {
        return windowMessages;
    }

    public int plainWindowMessages() {
        return plainWindowMessages;
    }

    public int recallTokens() {
        return recallTokens;
    }
}
