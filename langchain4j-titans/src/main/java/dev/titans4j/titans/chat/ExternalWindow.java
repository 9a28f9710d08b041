package dev.titans4j.titans.chat;

import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.store.memory.chat.ChatMemoryStore;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The verbatim window kept in a LangChain4j {@link ChatMemoryStore} (Redis, SQL, MongoDB, ... stores exist) while
 * the long-term memory goes to the {@code MemoryStateStore}. Messages that leave the window are appended to the
 * log as {@link ChatRecord.Memorize} records <em>before</em> the window store is updated, so a crash in between
 * leaves a message in both places, never in neither. The time a message was added travels with it as the
 * attribute {@value #TIME_ATTRIBUTE} (ISO-8601) on user, AI and tool-result messages. Sequence numbers in this
 * mode count memorised messages (the window store keeps none).
 */
final class ExternalWindow {

    static final String TIME_ATTRIBUTE = "titans4j.time";

    /** Memorises a message that left the window (appends its record). */
    interface Sink {
        void memorize(ChatRecord.Item item);
    }

    private final ChatMemoryStore store;
    private final Object id;
    private final Supplier<ChatWindow> windows;

    ExternalWindow(ChatMemoryStore store, Object id, Supplier<ChatWindow> windows) {
        this.store = store;
        this.id = id;
        this.windows = windows;
    }

    List<ChatMessage> messages() {
        return store.getMessages(id);
    }

    void add(ChatMessage message, long timeMillis, Sink sink, ItemFactory items) {
        ChatWindow window = load();
        ChatMessage stamped = stamped(message, timeMillis);
        if (!window.accepts(stamped)) {
            return;
        }
        List<ChatWindow.Entry> left = window.add(new ChatWindow.Entry(-1, stamped, timeMillis, List.of()));
        left.forEach(e -> sink.memorize(items.item(e.message(), e.timeMillis())));
        store.updateMessages(id, window.messages());
    }

    /** Window := {@code messages} (kept in order); window messages not kept are memorised. */
    void set(List<ChatMessage> messages, long timeMillis, Sink sink, ItemFactory items) {
        List<ChatWindow.Entry> old = load().entries();
        List<ChatWindow.Entry> removed = new ArrayList<>();
        List<ChatMessage> next = new ArrayList<>();
        int from = 0;
        for (ChatMessage m : messages) {
            int match = ChatState.indexOf(old, m, from);
            if (match < 0) {
                next.add(stamped(m, timeMillis));
            } else {
                removed.addAll(old.subList(from, match));
                next.add(old.get(match).message());
                from = match + 1;
            }
        }
        removed.addAll(old.subList(from, old.size()));
        ChatWindow window = windows.get();
        for (ChatMessage m : next) {
            if (window.accepts(m)) {
                removed.addAll(window.add(new ChatWindow.Entry(-1, m, timeOf(m), List.of())));
            }
        }
        removed.forEach(e -> sink.memorize(items.item(e.message(), e.timeMillis())));
        store.updateMessages(id, window.messages());
    }

    void clear() {
        store.deleteMessages(id);
    }

    private ChatWindow load() {
        ChatWindow window = windows.get();
        for (ChatMessage m : store.getMessages(id)) {
            window.entries().add(new ChatWindow.Entry(-1, m, timeOf(m), List.of()));
        }
        return window;
    }

    /** Keys a message as the memory's rules say (none for masked messages). */
    interface ItemFactory {
        ChatRecord.Item item(ChatMessage message, long timeMillis);
    }

    static long timeOf(ChatMessage m) {
        Map<String, Object> attributes = m instanceof UserMessage u ? u.attributes()
                : m instanceof AiMessage a ? a.attributes()
                : m instanceof ToolExecutionResultMessage t ? t.attributes() : null;
        Object value = attributes == null ? null : attributes.get(TIME_ATTRIBUTE);
        try {
            return value == null ? MemoryEntry.NO_TIME : Instant.parse(value.toString()).toEpochMilli();
        } catch (java.time.format.DateTimeParseException e) {
            return MemoryEntry.NO_TIME;
        }
    }

    private static ChatMessage stamped(ChatMessage m, long timeMillis) {
        if (timeOf(m) != MemoryEntry.NO_TIME) {
            return m;
        }
        String time = Instant.ofEpochMilli(timeMillis).toString();
        if (m instanceof UserMessage u) {
            return u.toBuilder().attributes(with(u.attributes(), time)).build();
        }
        if (m instanceof AiMessage a) {
            return a.toBuilder().attributes(with(a.attributes(), time)).build();
        }
        if (m instanceof ToolExecutionResultMessage t) {
            return t.toBuilder().attributes(with(t.attributes(), time)).build();
        }
        return m;
    }

    private static Map<String, Object> with(Map<String, Object> attributes, String time) {
        Map<String, Object> copy = new HashMap<>(attributes == null ? Map.of() : attributes);
        copy.put(TIME_ATTRIBUTE, time);
        return copy;
    }
}
