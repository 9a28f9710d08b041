package dev.titans4j.titans.chat;

import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.titans4j.titans.format.CorruptStateException;
import dev.titans4j.titans.format.Envelope;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Log records damaged behind a valid envelope (the checksum recomputed, as a buggy or hostile writer would leave them):
 * truncated at every byte and every byte flipped. Each is decoded, or refused with one {@link CorruptStateException};
 * nothing else escapes.
 */
class ChatRecordFuzzTest {

    private static final int DIMENSION = 6;
    private static final int FINGERPRINT = 42;

    private static KeyedSegment segment(String text, float seed) {
        float[] v = new float[DIMENSION];
        for (int i = 0; i < v.length; i++) {
            v[i] = seed + i;
        }
        return new KeyedSegment(text, new SegmentKeys(PackedKey.of(v), List.of(PackedKey.of(v), PackedKey.of(v))));
    }

    private static void fuzz(ChatRecord record) {
        byte[] bytes = ChatRecord.encode(record, FINGERPRINT);
        int start = 4 + 1 + ChatRecord.CODEC.length() + 4;
        byte[] payload = Arrays.copyOfRange(bytes, start, bytes.length - 8);
        int[] masks = {0x01, 0x80, 0xff, 0x40};
        for (int n = 0; n <= payload.length; n++) {
            decode(Arrays.copyOf(payload, n), "truncated at " + n);
        }
        for (int i = 0; i < payload.length; i++) {
            byte[] damaged = payload.clone();
            damaged[i] ^= (byte) masks[i % masks.length];
            decode(damaged, "byte " + i);
        }
    }

    private static void decode(byte[] payload, String what) {
        try {
            ChatRecord.decode(Envelope.wrap(ChatRecord.CODEC, ChatRecord.VERSION, payload), FINGERPRINT, DIMENSION,
                    "record");
        } catch (CorruptStateException expected) {
            // the one allowed failure
        } catch (Throwable t) {
            throw new AssertionError(what + ": " + t, t);
        }
    }

    @Test
    void damaged_add_and_set_records_decode_or_are_refused() {
        fuzz(new ChatRecord.Add(new ChatRecord.Item(7, UserMessage.from("hi there"),
                List.of(segment("hi there", 1)))));
        fuzz(new ChatRecord.Set(List.of(new ChatRecord.Item(1, UserMessage.from("a"), List.of()),
                new ChatRecord.Item(2, AiMessage.from("b"), List.of(segment("b", 2))))));
    }

    @Test
    void damaged_import_records_decode_or_are_refused() {
        fuzz(new ChatRecord.Import(9, List.of(new ChatWindow.Entry(3, UserMessage.from("q"), 5, List.of())),
                List.of(new ChatRecord.ArchivedMessage(1, "user", 2, List.of(segment("old", 3))))));
    }

    /** Message JSON that parses but is no message: JSON null, another type, deep nesting. */
    @Test
    void message_json_that_is_no_message_is_refused() {
        String deep = "[".repeat(5000) + "]".repeat(5000);
        for (String json : new String[] {"null", "7", "{}", "{\"type\": \"USER\"}", "{\"type\": \"NOPE\"}", deep,
            "{\"type\": \"USER\", \"contents\": " + deep + "}"}) {
            Envelope.Writer out = Envelope.writer(ChatRecord.CODEC, ChatRecord.VERSION);
            out.putInt(FINGERPRINT);
            out.putByte(1);
            out.putLong(1);
            out.writeStringField(json);
            out.putInt(0);
            byte[] bytes = out.finish();
            try {
                ChatRecord record = ChatRecord.decode(bytes, FINGERPRINT, DIMENSION, "record");
                org.assertj.core.api.Assertions.assertThat(((ChatRecord.Add) record).item().message())
                        .as(json).isNotNull();
            } catch (CorruptStateException expected) {
                // the one allowed failure
            } catch (Throwable t) {
                throw new AssertionError(json.substring(0, Math.min(40, json.length())) + ": " + t, t);
            }
        }
    }
}
