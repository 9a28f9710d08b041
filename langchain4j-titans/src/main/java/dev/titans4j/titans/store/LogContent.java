package dev.titans4j.titans.store;

import dev.titans4j.titans.format.Envelope;

import java.util.ArrayList;
import java.util.List;

/**
 * A log held in memory: generation, optional snapshot and the records after it. Implements the log semantics of
 * {@link MemoryStateStore} once, for the in-memory store and for the fallback that keeps a log inside one state
 * blob of any store ({@link #toBytes}: codec {@value #CODEC}). Not thread-safe; callers synchronise.
 */
final class LogContent {

    static final String CODEC = "titans4j.log-blob";
    private static final int VERSION = 1;

    final long generation;
    private MemoryLog.Snapshot snapshot;
    private final List<MemoryLog.Record> records = new ArrayList<>();
    private long last;

    LogContent(long generation) {
        this.generation = generation;
    }

    static LogContent create() {
        return new LogContent(FirstVersions.next());
    }

    LogPosition append(byte[] record) {
        last++;
        records.add(new MemoryLog.Record(last, record.clone()));
        return new LogPosition(generation, last);
    }

    /** See {@link MemoryStateStore#readLog}. */
    MemoryLog read(long readerGeneration, long after) {
        boolean sameHistory = readerGeneration == generation;
        long firstKept = records.isEmpty() ? last + 1 : records.get(0).position();
        if (sameHistory && after >= firstKept - 1) {
            return new MemoryLog(generation, null, copies(after));
        }
        if (snapshot == null) { // nothing was ever compacted: the records start at 1
            return new MemoryLog(generation, null, copies(0));
        }
        return new MemoryLog(generation, new MemoryLog.Snapshot(snapshot.position(), snapshot.bytes().clone()),
                copies(snapshot.position()));
    }

    private List<MemoryLog.Record> copies(long after) {
        List<MemoryLog.Record> out = new ArrayList<>();
        for (MemoryLog.Record r : records) {
            if (r.position() > after) {
                out.add(new MemoryLog.Record(r.position(), r.bytes().clone()));
            }
        }
        return out;
    }

    /** Keeps {@code bytes} as the snapshot at {@code position} if it is newer; drops the records it covers. */
    boolean snapshot(long writerGeneration, long position, byte[] bytes) {
        if (writerGeneration != generation || position > last
                || (snapshot != null && snapshot.position() >= position)) {
            return false;
        }
        snapshot = new MemoryLog.Snapshot(position, bytes.clone());
        records.removeIf(r -> r.position() <= position);
        return true;
    }

    long last() {
        return last;
    }

    long storedBytes() {
        return (snapshot == null ? 0 : snapshot.bytes().length)
                + records.stream().mapToLong(r -> r.bytes().length).sum();
    }

    byte[] toBytes() {
        Envelope.Writer out = Envelope.writer(CODEC, VERSION);
        out.putLong(generation);
        out.putLong(last);
        out.putByte(snapshot == null ? 0 : 1);
        if (snapshot != null) {
            out.putLong(snapshot.position());
            out.writeBytesField(snapshot.bytes());
        }
        out.putInt(records.size());
        for (MemoryLog.Record r : records) {
            out.putLong(r.position());
            out.writeBytesField(r.bytes());
        }
        return out.finish();
    }

    /** Aborts a read-modify-write that has nothing to change. */
    static final class Unchanged extends RuntimeException {
        Unchanged() {
            super(null, null, false, false);
        }
    }

    /**
     * Whether {@code bytes} name this codec, whatever their version and checksum: a damaged or newer log must reach
     * {@link #fromBytes} and fail there, never pass for "no log" and be replaced by a new one.
     */
    static boolean isLog(byte[] bytes) {
        return Envelope.namesCodec(bytes, CODEC);
    }

    /** Positions are checked as they are read: snapshot in [0, last], then records increasing up to last. */
    static LogContent fromBytes(byte[] bytes, String what) {
        Envelope.Payload in = Envelope.open(bytes, CODEC, VERSION, VERSION, what);
        LogContent log = new LogContent(in.readLong("generation"));
        log.last = in.readLong("last position");
        if (log.last < 0) {
            throw in.corrupt("last position " + log.last + " is negative");
        }
        long previous = 0;
        if (in.readByte("snapshot flag") != 0) {
            long position = in.readLong("snapshot position");
            if (position < 0 || position > log.last) {
                throw in.corrupt("snapshot position " + position + " is outside [0, " + log.last + "]");
            }
            log.snapshot = new MemoryLog.Snapshot(position, in.readBytes("snapshot", in.remaining()));
            previous = position;
        }
        int n = in.readCount("record count", in.remaining());
        for (int i = 0; i < n; i++) {
            long position = in.readLong("record position");
            if (position <= previous || position > log.last) {
                throw in.corrupt("record position " + position + " does not follow " + previous + " within the"
                        + " last position " + log.last);
            }
            log.records.add(new MemoryLog.Record(position, in.readBytes("record", in.remaining())));
            previous = position;
        }
        in.requireEnd();
        return log;
    }
}
