package dev.titans4j.titans.chat;

import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.TokenCountEstimator;

import java.util.ArrayList;
import java.util.List;

/**
 * The short-term memory: the most recent messages verbatim, each with the sequence number it received, under the
 * same rules as LangChain4j's {@code MessageWindowChatMemory} / {@code TokenWindowChatMemory}:
 * <ul>
 *   <li>at most one system message, always first; adding an equal one is a no-op, a different one replaces it;</li>
 *   <li>the capacity (messages, or tokens of a {@link TokenCountEstimator}) counts the system message, which is
 *       never evicted;</li>
 *   <li>evicting an {@link AiMessage} with tool execution requests also evicts the
 *       {@link ToolExecutionResultMessage}s that follow it, so no orphan tool result is ever left at the head.</li>
 * </ul>
 * Once the window overflows it evicts, oldest first, what exceeds the capacity and then goes on, so that the messages
 * after the system message stay the same for the next adds and a prefix KV cache keeps hitting: by default until
 * the part after the system message is within half of the capacity the system message leaves
 * ({@code 2 × (size − system) ≤ capacity − system}, in messages or estimated tokens, {@code system} being the system
 * message's size, 0 without one); with an {@code evictionBlock} until at least that many messages left (a block of
 * 1: exactly what exceeds the capacity, as LangChain4j does). Going on never evicts the latest user message (the question being answered,
 * which recall is keyed on) or anything after it; with no user message in the window, never the newest message,
 * nor an AI message whose tool results are the newest.
 * Evicted messages are returned (in order) so the caller can move them to long-term memory.
 */
final class ChatWindow {

    /**
     * A message with its provenance: sequence number, when it was added ({@link MemoryEntry#NO_TIME} if unknown)
     * and the keyed segments it becomes in long-term memory (none for messages that are not memorised).
     */
    record Entry(long seq, ChatMessage message, long timeMillis, List<KeyedSegment> segments) {

        Entry {
            segments = List.copyOf(segments);
        }
    }

    private final Integer maxMessages;
    private final Integer maxTokens;
    private final TokenCountEstimator estimator;
    private final Integer evictionBlock;
    private final List<Entry> entries = new ArrayList<>();

    /** {@code evictionBlock} null: evict down to half the capacity. */
    ChatWindow(Integer maxMessages, Integer maxTokens, TokenCountEstimator estimator, Integer evictionBlock) {
        this.maxMessages = maxMessages;
        this.maxTokens = maxTokens;
        this.estimator = estimator;
        this.evictionBlock = evictionBlock;
    }

    List<Entry> entries() {
        return entries;
    }

    List<ChatMessage> messages() {
        return entries.stream().map(Entry::message).toList();
    }

    /** Whether {@code message} would change the window (an equal system message does not). */
    boolean accepts(ChatMessage message) {
        return !(message instanceof SystemMessage) || entries.isEmpty()
                || !message.equals(entries.get(0).message());
    }

    /**
     * Adds a message and restores the capacity. Returns what left: a replaced system message first, then evicted
     * messages oldest first.
     */
    List<Entry> add(Entry entry) {
        List<Entry> left = new ArrayList<>();
        if (entry.message() instanceof SystemMessage) {
            if (!entries.isEmpty() && entries.get(0).message() instanceof SystemMessage) {
                left.add(entries.remove(0));
            }
            entries.add(0, entry);
        } else {
            entries.add(entry);
        }
        left.addAll(ensureCapacity());
        return left;
    }

    void clear() {
        entries.clear();
    }

    /** Evicts what exceeds the capacity (after loading a window saved with a larger one); returns it in order. */
    List<Entry> restoreCapacity() {
        return ensureCapacity();
    }

    private List<Entry> ensureCapacity() {
        List<Entry> evicted = new ArrayList<>();
        int kept = entries.size() - latestUserMessage(); // the tail that going on past the capacity leaves alone
        while (!entries.isEmpty()) {
            int head = entries.get(0).message() instanceof SystemMessage ? 1 : 0;
            if (head >= entries.size()) {
                break; // only the system message is left; it is never evicted
            }
            if (!overCapacity() && (evicted.isEmpty() || evictedEnough(evicted)
                    || entries.size() - head - leavingWith(head) < kept)) {
                break; // within capacity, and evicted enough (or going on would cut into the kept tail)
            }
            Entry gone = entries.remove(head);
            evicted.add(gone);
            if (leavesWithToolResults(gone)) {
                while (entries.size() > head && entries.get(head).message() instanceof ToolExecutionResultMessage) {
                    evicted.add(entries.remove(head));
                }
            }
        }
        return evicted;
    }

    /** Index of the latest user message, or of the newest message if there is none. */
    private int latestUserMessage() {
        for (int i = entries.size() - 1; i >= 0; i--) {
            if (entries.get(i).message() instanceof UserMessage) {
                return i;
            }
        }
        return entries.size() - 1;
    }

    private boolean evictedEnough(List<Entry> evicted) {
        if (evictionBlock != null) {
            return evicted.size() >= evictionBlock;
        }
        // half of what the system message leaves, so a large system message does not make the target unreachable
        long system = systemSize();
        return 2L * (size() - system) <= capacity() - system;
    }

    private long capacity() {
        return maxMessages != null ? maxMessages : maxTokens;
    }

    /** The window's size in the capacity's unit: messages, or estimated tokens. */
    private long size() {
        return maxMessages != null ? entries.size() : estimator.estimateTokenCountInMessages(messages());
    }

    private long systemSize() {
        if (entries.isEmpty() || !(entries.get(0).message() instanceof SystemMessage system)) {
            return 0;
        }
        return maxMessages != null ? 1 : estimator.estimateTokenCountInMessages(List.of(system));
    }

    /** Messages that leave together when the message at {@code head} is evicted. */
    private int leavingWith(int head) {
        int count = 1;
        if (leavesWithToolResults(entries.get(head))) {
            while (head + count < entries.size()
                    && entries.get(head + count).message() instanceof ToolExecutionResultMessage) {
                count++;
            }
        }
        return count;
    }

    private static boolean leavesWithToolResults(Entry entry) {
        return entry.message() instanceof AiMessage ai && ai.hasToolExecutionRequests();
    }

    private boolean overCapacity() {
        return size() > capacity();
    }
}
