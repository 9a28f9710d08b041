package dev.titans4j.titans.chat;

import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
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
 * the window is within half its capacity ({@code 2 × messages ≤ maxMessages}, or {@code 2 × tokens ≤ maxTokens});
 * with an {@code evictionBlock} until at least that many messages left (a block of 1: exactly what exceeds the
 * capacity, as LangChain4j does). Going on never evicts the newest message, nor an AI message whose tool results
 * are the newest.
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
        while (!entries.isEmpty()) {
            int head = entries.get(0).message() instanceof SystemMessage ? 1 : 0;
            if (head >= entries.size()) {
                break; // only the system message is left; it is never evicted
            }
            if (!overCapacity() && (evicted.isEmpty() || evictedEnough(evicted)
                    || leavingWith(head) >= entries.size() - head)) {
                break; // within capacity, and evicted enough (or only the newest message would be left)
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

    private boolean evictedEnough(List<Entry> evicted) {
        if (evictionBlock != null) {
            return evicted.size() >= evictionBlock;
        }
        if (maxMessages != null) {
            return 2L * entries.size() <= maxMessages;
        }
        return 2L * estimator.estimateTokenCountInMessages(messages()) <= maxTokens;
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
        if (maxMessages != null) {
            return entries.size() > maxMessages;
        }
        return estimator.estimateTokenCountInMessages(messages()) > maxTokens;
    }
}
