package dev.titans4j.titans.store;

import java.util.List;
import java.util.Objects;

/**
 * What {@link MemoryStateStore#readLog} returns: the log's generation, a snapshot when the reader needs one, and the
 * records after the reader's position (or after the snapshot), in position order.
 *
 * @param generation 0 when the id has no log
 * @param snapshot   null when the reader can continue from its own position
 * @param records    consecutive positions, ascending
 */
public record MemoryLog(long generation, Snapshot snapshot, List<Record> records) {

    public static final MemoryLog ABSENT = new MemoryLog(0, null, List.of());

    public MemoryLog {
        records = List.copyOf(records);
    }

    public boolean exists() {
        return generation != 0;
    }

    /** The state after {@code position}, as a writer saved it. */
    public record Snapshot(long position, byte[] bytes) {

        public Snapshot {
            Objects.requireNonNull(bytes, "bytes");
            if (position < 0) {
                throw new IllegalArgumentException("snapshot position must be >= 0, got " + position);
            }
        }
    }

    /** One appended record. */
    public record Record(long position, byte[] bytes) {

        public Record {
            Objects.requireNonNull(bytes, "bytes");
        }
    }
}
