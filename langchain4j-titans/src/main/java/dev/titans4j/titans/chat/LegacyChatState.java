package dev.titans4j.titans.chat;

import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.ChatMessageDeserializer;
import dev.titans4j.titans.format.CorruptStateException;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.zip.CRC32C;

/**
 * Reads the whole-state blob that TitansChatMemory versions up to 4 saved ("TTCM" formats 1 and 2) and turns it into
 * one {@link ChatRecord.Import}: the window and the archived texts with their sequence numbers. The old neural
 * state is not carried over (its memories had another shape); the archive is keyed again with the current encoder
 * and learned again by replaying it, once. Times were not recorded then, so imported segments have none.
 */
final class LegacyChatState {

    private static final int MAGIC = 0x5454434D; // "TTCM"

    private LegacyChatState() {
    }

    static boolean isLegacy(byte[] bytes) {
        return bytes != null && bytes.length >= 8 && ByteBuffer.wrap(bytes).getInt() == MAGIC;
    }

    /** {@code segmentsOf} keys a message as the current configuration would; {@code encoder} keys archived text. */
    static ChatRecord.Import toImport(byte[] bytes, Function<ChatMessage, List<KeyedSegment>> segmentsOf,
                                      KeyEncoder encoder) {
        if (bytes.length < 4 + 4 + 8 + 8 + 4) {
            throw corrupt("too short (" + bytes.length + " bytes)");
        }
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, bytes.length - 4);
        if ((int) crc.getValue() != ByteBuffer.wrap(bytes, bytes.length - 4, 4).getInt()) {
            throw corrupt("checksum mismatch");
        }
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes, 0, bytes.length - 4))) {
            in.readInt(); // magic
            int version = in.readInt();
            if (version == 1) {
                in.readLong();
            } else if (version == 2) {
                in.readUTF();
                in.readDouble();
                in.readUTF();
            } else {
                throw corrupt("unknown format version " + version);
            }
            long nextSeq = in.readLong();
            List<ChatMessage> messages = ChatMessageDeserializer.messagesFromJson(readString(in));
            int n = in.readInt();
            if (n != messages.size()) {
                throw corrupt("window has " + messages.size() + " messages but " + n + " sequence numbers");
            }
            List<ChatWindow.Entry> window = new ArrayList<>();
            for (ChatMessage m : messages) {
                window.add(new ChatWindow.Entry(in.readLong(), m, MemoryEntry.NO_TIME, segmentsOf.apply(m)));
            }
            int segments = in.readInt();
            if (segments < 0) {
                throw corrupt("negative archive size");
            }
            Map<Long, ChatRecord.ArchivedMessage> archive = new LinkedHashMap<>();
            for (int i = 0; i < segments; i++) {
                in.readLong(); // neural stream position
                long seq = in.readLong();
                in.readInt(); // part: pieces arrive in order
                String speaker = in.readUTF();
                String text = readString(in);
                in.readDouble(); // surprise under the old memory
                List<KeyedSegment> keyed = encoder.encode(text);
                archive.merge(seq, new ChatRecord.ArchivedMessage(seq, speaker, MemoryEntry.NO_TIME, keyed),
                        (a, b) -> {
                            List<KeyedSegment> all = new ArrayList<>(a.segments());
                            all.addAll(b.segments());
                            return new ChatRecord.ArchivedMessage(seq, speaker, MemoryEntry.NO_TIME, all);
                        });
            }
            return new ChatRecord.Import(nextSeq, window, new ArrayList<>(archive.values()));
        } catch (IOException | RuntimeException e) {
            if (e instanceof CorruptStateException c) {
                throw c;
            }
            throw corrupt(String.valueOf(e.getMessage()));
        }
    }

    private static String readString(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > in.available()) {
            throw corrupt("invalid field length " + n);
        }
        byte[] b = new byte[n];
        in.readFully(b);
        return new String(b, StandardCharsets.UTF_8);
    }

    private static CorruptStateException corrupt(String problem) {
        return new CorruptStateException("stored TitansChatMemory version 4 state is unreadable: " + problem);
    }
}
