package dev.titans4j.titans.chat;

import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.ChatMessageDeserializer;
import dev.langchain4j.data.message.ChatMessageSerializer;
import dev.titans4j.titans.format.Envelope;

import java.util.ArrayList;
import java.util.List;

/**
 * One change to a chat memory as its store's log keeps it. A record carries everything its replay needs (the
 * message, when it was added, its keyed segments), never anything that depends on the state it is applied to, so
 * every instance that replays a log reaches the same state, whichever wrote it. Codec
 * {@value #CODEC} version {@value #VERSION} in the {@link Envelope}: the configuration's fingerprint hash (int32,
 * so a log written under another embedding model or neural memory is refused), a type byte, then the body.
 */
sealed interface ChatRecord {

    String CODEC = "titans4j.chat-record";
    int VERSION = 1;

    /** A message as added, with its time and the segments it becomes in long-term memory (none if not memorised). */
    record Item(long timeMillis, ChatMessage message, List<KeyedSegment> segments) {

        public Item {
            segments = List.copyOf(segments);
        }
    }

    /** A message of an imported archive: its segments become archived segments with this provenance. */
    record ArchivedMessage(long seq, String speaker, long timeMillis, List<KeyedSegment> segments) {
    }

    /** {@code ChatMemory.add}. */
    record Add(Item item) implements ChatRecord {
    }

    /** {@code ChatMemory.set}: the new window content. */
    record Set(List<Item> items) implements ChatRecord {
    }

    /** A message that left a window kept in a LangChain4j {@code ChatMemoryStore}. */
    record Memorize(Item item) implements ChatRecord {
    }

    /** A whole state brought over from an older format (see {@link LegacyChatState}). */
    record Import(long nextSeq, List<ChatWindow.Entry> window, List<ArchivedMessage> archive) implements ChatRecord {
    }

    static byte[] encode(ChatRecord record, int fingerprint) {
        Envelope.Writer out = Envelope.writer(CODEC, VERSION);
        out.putInt(fingerprint);
        if (record instanceof Add add) {
            out.putByte(1);
            writeItem(out, add.item());
        } else if (record instanceof Set set) {
            out.putByte(2);
            out.putInt(set.items().size());
            set.items().forEach(i -> writeItem(out, i));
        } else if (record instanceof Memorize memorize) {
            out.putByte(3);
            writeItem(out, memorize.item());
        } else if (record instanceof Import in) {
            out.putByte(4);
            out.putLong(in.nextSeq());
            out.putInt(in.window().size());
            for (ChatWindow.Entry e : in.window()) {
                out.putLong(e.seq());
                writeItem(out, new Item(e.timeMillis(), e.message(), e.segments()));
            }
            out.putInt(in.archive().size());
            for (ArchivedMessage m : in.archive()) {
                out.putLong(m.seq());
                out.writeStringField(m.speaker());
                out.putLong(m.timeMillis());
                writeSegments(out, m.segments());
            }
        }
        return out.finish();
    }

    static ChatRecord decode(byte[] bytes, int fingerprint, int dimension, String what) {
        Envelope.Payload in = Envelope.open(bytes, CODEC, 1, VERSION, what);
        int stored = in.readInt("fingerprint");
        if (stored != fingerprint) {
            throw in.corrupt("it was written under another configuration (embedding model or neural memory "
                    + "settings differ)");
        }
        int type = in.readByte("type");
        ChatRecord record = switch (type) {
            case 1 -> new Add(readItem(in, dimension));
            case 2 -> {
                int n = in.readCount("message count", in.remaining());
                List<Item> items = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    items.add(readItem(in, dimension));
                }
                yield new Set(items);
            }
            case 3 -> new Memorize(readItem(in, dimension));
            case 4 -> {
                long nextSeq = in.readLong("next seq");
                int n = in.readCount("window size", in.remaining());
                List<ChatWindow.Entry> window = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    long seq = in.readLong("seq");
                    Item item = readItem(in, dimension);
                    window.add(new ChatWindow.Entry(seq, item.message(), item.timeMillis(), item.segments()));
                }
                int m = in.readCount("archive size", in.remaining());
                List<ArchivedMessage> archive = new ArrayList<>(m);
                for (int i = 0; i < m; i++) {
                    archive.add(new ArchivedMessage(in.readLong("seq"), in.readString("speaker"),
                            in.readLong("time"), readSegments(in, dimension)));
                }
                yield new Import(nextSeq, window, archive);
            }
            default -> throw in.corrupt("unknown record type " + type);
        };
        in.requireEnd();
        return record;
    }

    private static void writeItem(Envelope.Writer out, Item item) {
        out.putLong(item.timeMillis());
        out.writeStringField(ChatMessageSerializer.messageToJson(item.message()));
        writeSegments(out, item.segments());
    }

    private static Item readItem(Envelope.Payload in, int dimension) {
        long time = in.readLong("time");
        ChatMessage message = readMessage(in);
        return new Item(time, message, readSegments(in, dimension));
    }

    /** A message's JSON; JSON {@code null} deserialises to no message, which nothing downstream expects. */
    static ChatMessage readMessage(Envelope.Payload in) {
        String json = in.readString("message");
        ChatMessage message;
        try {
            message = ChatMessageDeserializer.messageFromJson(json);
        } catch (RuntimeException e) {
            throw in.corrupt("unreadable message JSON (" + e.getMessage() + ")");
        }
        if (message == null) {
            throw in.corrupt("message JSON " + json + " holds no message");
        }
        return message;
    }

    static void writeSegments(Envelope.Writer out, List<KeyedSegment> segments) {
        out.putInt(segments.size());
        segments.forEach(s -> s.writeTo(out));
    }

    static List<KeyedSegment> readSegments(Envelope.Payload in, int dimension) {
        int n = in.readCount("segment count", in.remaining());
        List<KeyedSegment> segments = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            segments.add(KeyedSegment.readFrom(in, dimension));
        }
        return segments;
    }
}
