package dev.titans4j.titans.chat;

import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.ChatMessageDeserializer;
import dev.langchain4j.data.message.ChatMessageSerializer;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.zip.CRC32C;
import java.util.zip.CheckedOutputStream;

/**
 * Everything one memory id holds: the window (with sequence numbers), the long-term memory (archive and neural
 * state) and the next sequence number. Serialised as one blob for the {@link dev.titans4j.titans.store.MemoryStateStore}:
 * <pre>
 *   "TTCM" (4 bytes), format version (int32), {@link StateFingerprint} (neural settings UTF, context weight
 *   float64, embedding model UTF; format 1: one int64 hash instead), next seq (int64),
 *   window messages as LangChain4j ChatMessageSerializer JSON (length-prefixed UTF-8), window seqs (int32 count,
 *   int64 each), archive (count, then position, seq, part, speaker, text, surprise per segment),
 *   neural memory state (length-prefixed TTNS bytes), CRC32C of everything before it (int32)
 * </pre>
 */
final class ChatState {

    static final int MAGIC = 0x5454434D; // "TTCM"
    static final int VERSION = 2;
    /** Format 1 stored a hash of the settings (see {@link StateFingerprint#matchesLegacy}); still read. */
    static final int LEGACY_VERSION = 1;

    final ChatWindow window;
    final LongTermMemory longTerm;
    long nextSeq;

    ChatState(ChatWindow window, LongTermMemory longTerm) {
        this.window = window;
        this.longTerm = longTerm;
    }

    byte[] toBytes(StateFingerprint configFingerprint) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            CRC32C crc = new CRC32C(); // fed as the bytes are written: the multi-MB state is copied once, at the end
            DataOutputStream out = new DataOutputStream(new CheckedOutputStream(bytes, crc));
            out.writeInt(MAGIC);
            out.writeInt(VERSION);
            configFingerprint.writeTo(out);
            out.writeLong(nextSeq);
            List<ChatWindow.Entry> entries = window.entries();
            StateCodec.writeString(out, ChatMessageSerializer.messagesToJson(window.messages()));
            out.writeInt(entries.size());
            for (ChatWindow.Entry e : entries) {
                out.writeLong(e.seq());
            }
            longTerm.writeTo(out);
            out.flush();
            new DataOutputStream(bytes).writeInt((int) crc.getValue());
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new IllegalStateException("cannot serialise chat memory state", e);
        }
    }

    private static void checkFingerprint(DataInputStream in, int version, StateFingerprint config, String id)
            throws IOException {
        if (version == LEGACY_VERSION) {
            if (!config.matchesLegacy(in.readLong())) {
                throw new CorruptChatStateException(id, "it was written with another configuration (neural memory "
                        + "settings or contextWeight differ)");
            }
            return;
        }
        String mismatch = config.mismatch(StateFingerprint.readFrom(in));
        if (!mismatch.isEmpty()) {
            throw new CorruptChatStateException(id, "it was written with another configuration: " + mismatch);
        }
    }

    /** Parses {@link #toBytes} output into a fresh state from {@code fresh}; clear errors for foreign bytes. */
    static ChatState fromBytes(byte[] bytes, StateFingerprint configFingerprint, Supplier<ChatState> fresh, String id) {
        if (bytes.length < 4 + 4 + 8 + 8 + 4) {
            throw new CorruptChatStateException(id, "too short (" + bytes.length + " bytes)");
        }
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, bytes.length - 4);
        int stored = ((bytes[bytes.length - 4] & 0xff) << 24) | ((bytes[bytes.length - 3] & 0xff) << 16)
                | ((bytes[bytes.length - 2] & 0xff) << 8) | (bytes[bytes.length - 1] & 0xff);
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes, 0, bytes.length - 4))) {
            if (in.readInt() != MAGIC) {
                throw new CorruptChatStateException(id, "not a TitansChatMemory state (bad magic)");
            }
            int version = in.readInt();
            if (version != VERSION && version != LEGACY_VERSION) {
                throw new CorruptChatStateException(id, "format version " + version + " is not supported (this "
                        + "library reads version " + VERSION + ")");
            }
            if ((int) crc.getValue() != stored) {
                throw new CorruptChatStateException(id, "checksum mismatch (corrupted state)");
            }
            checkFingerprint(in, version, configFingerprint, id);
            ChatState state = fresh.get();
            state.nextSeq = in.readLong();
            List<ChatMessage> messages = ChatMessageDeserializer.messagesFromJson(StateCodec.readString(in));
            int n = in.readInt();
            if (n != messages.size()) {
                throw new CorruptChatStateException(id, "window has " + messages.size() + " messages but " + n
                        + " sequence numbers");
            }
            List<ChatWindow.Entry> entries = new ArrayList<>();
            for (ChatMessage m : messages) {
                entries.add(new ChatWindow.Entry(in.readLong(), m));
            }
            state.window.entries().addAll(entries);
            state.longTerm.readFrom(in);
            if (in.available() > 0) {
                throw new CorruptChatStateException(id, in.available() + " unread bytes");
            }
            return state;
        } catch (IOException | RuntimeException e) {
            if (e instanceof CorruptChatStateException c) {
                throw c;
            }
            throw new CorruptChatStateException(id, e.getMessage(), e);
        }
    }
}
