package dev.titans4j.titans.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.titans4j.titans.format.CorruptStateException;
import dev.titans4j.titans.format.Envelope;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * A log kept in a state blob, damaged behind a valid envelope (the checksum recomputed): truncated at every byte and
 * every byte flipped. It is read, or refused with one {@link CorruptStateException}; a log that reads back keeps
 * positions a reader can follow (increasing, after the snapshot, up to the last).
 */
class LogContentFuzzTest {

    @Test
    void damaged_blob_logs_are_read_consistently_or_refused() {
        LogContent log = new LogContent(77);
        for (int i = 1; i <= 4; i++) {
            log.append(("record " + i).getBytes(StandardCharsets.UTF_8));
        }
        log.snapshot(77, 2, "state after 2".getBytes(StandardCharsets.UTF_8));
        byte[] bytes = log.toBytes();
        int start = 4 + 1 + LogContent.CODEC.length() + 4;
        byte[] payload = Arrays.copyOfRange(bytes, start, bytes.length - 8);
        int[] masks = {0x01, 0x80, 0xff, 0x08};
        for (int n = 0; n <= payload.length; n++) {
            read(Arrays.copyOf(payload, n), "truncated at " + n);
        }
        for (int i = 0; i < payload.length; i++) {
            byte[] damaged = payload.clone();
            damaged[i] ^= (byte) masks[i % masks.length];
            read(damaged, "byte " + i);
        }
    }

    private static void read(byte[] payload, String what) {
        LogContent log;
        try {
            log = LogContent.fromBytes(Envelope.wrap(LogContent.CODEC, 1, payload), "log");
        } catch (CorruptStateException expected) {
            return;
        } catch (Throwable t) {
            throw new AssertionError(what + ": " + t, t);
        }
        MemoryLog read = log.read(0, 0);
        long previous = read.snapshot() == null ? 0 : read.snapshot().position();
        assertThat(previous).as(what + ": snapshot position").isBetween(0L, log.last());
        for (MemoryLog.Record r : read.records()) {
            assertThat(r.position()).as(what + ": record after " + previous).isGreaterThan(previous)
                    .isLessThanOrEqualTo(log.last());
            previous = r.position();
        }
    }
}
