package dev.titans4j.titans.chat;

import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.ChatMessageSerializer;
import dev.titans4j.titans.format.Envelope;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Everything one memory id holds: the window (with sequence numbers, times and keys), the long-term memory and the
 * next sequence number, plus how far into the store's log it is ({@code generation}, {@code position}). It changes
 * only by {@link #apply applying} log records, deterministically.
 *
 * <p>Snapshot: codec {@value #CODEC} version {@value #VERSION} in the {@link Envelope}: fingerprint text, generation,
 * position, next seq (int64 each), window entries (count; per entry seq, time, message JSON, segments), then the
 * long-term memory ({@link LongTermMemory#writeTo}).
 */
final class ChatState {

    static final String CODEC = "titans4j.chat-snapshot";
    static final int VERSION = 1;

    final ChatWindow window;
    final LongTermMemory longTerm;
    long nextSeq;
    long generation;
    long position;

    ChatState(ChatWindow window, LongTermMemory longTerm) {
        this.window = window;
        this.longTerm = longTerm;
    }

    void apply(ChatRecord record) {
        if (record instanceof ChatRecord.Add add) {
            add(add.item());
        } else if (record instanceof ChatRecord.Set set) {
            replaceWindow(set.items());
        } else if (record instanceof ChatRecord.Memorize memorize) {
            ChatRecord.Item item = memorize.item();
            memorize(new ChatWindow.Entry(nextSeq++, item.message(), item.timeMillis(), item.segments()));
        } else if (record instanceof ChatRecord.Import in) {
            importState(in);
        }
    }

    private void add(ChatRecord.Item item) {
        if (window.accepts(item.message())) { // not the same system message again
            appendEntry(new ChatWindow.Entry(nextSeq++, item.message(), item.timeMillis(), item.segments()));
        }
    }

    private void appendEntry(ChatWindow.Entry entry) {
        if (!window.accepts(entry.message())) {
            return; // an equal system message is already first: nothing new to keep
        }
        for (ChatWindow.Entry left : window.add(entry)) {
            memorize(left);
        }
    }

    /** Window := {@code items}; entries matched in order keep their seq, the others leave to long-term memory. */
    private void replaceWindow(List<ChatRecord.Item> items) {
        List<ChatWindow.Entry> old = new ArrayList<>(window.entries());
        List<ChatWindow.Entry> next = new ArrayList<>();
        List<ChatWindow.Entry> removed = new ArrayList<>();
        int from = 0;
        for (ChatRecord.Item item : items) {
            int match = indexOf(old, item.message(), from);
            if (match < 0) {
                next.add(new ChatWindow.Entry(nextSeq++, item.message(), item.timeMillis(), item.segments()));
            } else {
                removed.addAll(old.subList(from, match));
                next.add(old.get(match));
                from = match + 1;
            }
        }
        removed.addAll(old.subList(from, old.size()));
        window.clear();
        removed.forEach(this::memorize);
        next.forEach(this::appendEntry);
    }

    static int indexOf(List<ChatWindow.Entry> entries, ChatMessage m, int from) {
        for (int i = from; i < entries.size(); i++) {
            if (entries.get(i).message().equals(m)) {
                return i;
            }
        }
        return -1;
    }

    private void importState(ChatRecord.Import in) {
        for (ChatRecord.ArchivedMessage m : in.archive()) {
            longTerm.memorize(m.seq(), m.speaker(), m.timeMillis(), m.segments());
        }
        window.clear();
        window.entries().addAll(in.window());
        for (ChatWindow.Entry left : window.restoreCapacity()) {
            memorize(left);
        }
        nextSeq = Math.max(nextSeq, in.nextSeq());
    }

    private void memorize(ChatWindow.Entry entry) {
        if (!entry.segments().isEmpty()) {
            longTerm.memorize(entry.seq(), MessageText.speaker(entry.message()), entry.timeMillis(),
                    entry.segments());
        }
    }

    byte[] toBytes(StateFingerprint fingerprint) {
        Envelope.Writer out = Envelope.writer(CODEC, VERSION, 1 << 20);
        out.writeStringField(fingerprint.text());
        out.putLong(generation);
        out.putLong(position);
        out.putLong(nextSeq);
        List<ChatWindow.Entry> entries = window.entries();
        out.putInt(entries.size());
        for (ChatWindow.Entry e : entries) {
            out.putLong(e.seq());
            out.putLong(e.timeMillis());
            out.writeStringField(ChatMessageSerializer.messageToJson(e.message()));
            ChatRecord.writeSegments(out, e.segments());
        }
        longTerm.writeTo(out);
        return out.finish();
    }

    /** Parses {@link #toBytes} into a fresh state from {@code fresh}; one clear error for anything unreadable. */
    static ChatState fromBytes(byte[] bytes, StateFingerprint fingerprint, Supplier<ChatState> fresh, int dimension,
                               String what) {
        Envelope.Payload in = Envelope.open(bytes, CODEC, 1, VERSION, what);
        String mismatch = fingerprint.mismatch(StateFingerprint.parse(in.readString("fingerprint")));
        if (!mismatch.isEmpty()) {
            throw in.corrupt("it was written with another configuration: " + mismatch);
        }
        ChatState state = fresh.get();
        state.generation = in.readLong("generation");
        state.position = in.readLong("position");
        state.nextSeq = in.readLong("next seq");
        int n = in.readCount("window size", in.remaining());
        for (int i = 0; i < n; i++) {
            long seq = in.readLong("seq");
            long time = in.readLong("time");
            ChatMessage message = ChatRecord.readMessage(in);
            state.window.entries().add(new ChatWindow.Entry(seq, message, time,
                    ChatRecord.readSegments(in, dimension)));
        }
        state.longTerm.readFrom(in);
        in.requireEnd();
        // a window saved under a larger capacity (maxMessages/maxTokens lowered since) is trimmed now; what it
        // evicts is memorised, deterministically, so every instance trims the same way
        for (ChatWindow.Entry left : state.window.restoreCapacity()) {
            state.memorize(left);
        }
        return state;
    }
}
