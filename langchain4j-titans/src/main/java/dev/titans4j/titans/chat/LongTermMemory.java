package dev.titans4j.titans.chat;

import dev.titans4j.titans.format.Envelope;

import java.time.ZoneId;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The long-term memory of one chat: segments of messages that left the window are written into the
 * {@link ExpectationMemory neural memory} and archived with their keys, text and provenance; {@link #rank} is
 * {@link RecallRanker}'s. Not thread-safe (the owning {@link TitansChatMemory} locks).
 */
final class LongTermMemory {

    private final ExpectationMemory neural;
    private final SegmentArchive archive;
    private final LexicalIndex lexical = new LexicalIndex();
    /** ‖k_t + β·k_{t−1}‖ per archived id with a context: derived from the keys, never stored. */
    private final Map<Long, Double> contextNorms = new HashMap<>();
    private final RecallRanker ranker;
    private final int dimension;
    private long nextId;
    private long lastId = -1;

    LongTermMemory(ExpectationMemory neural, int dimension, int archiveCapacity, RecallFusion fusion, ZoneId zone,
                   boolean exactReadout) {
        this.neural = neural;
        this.dimension = dimension;
        this.archive = new SegmentArchive(archiveCapacity);
        this.ranker = new RecallRanker(fusion, zone, exactReadout);
    }

    /** Archives and learns the segments of one message that left the window. */
    void memorize(long seq, String speaker, long timeMillis, List<KeyedSegment> segments) {
        for (int part = 0; part < segments.size(); part++) {
            KeyedSegment segment = segments.get(part);
            double surprise = neural.write(segment.keys().whole().decode());
            archive(new MemoryEntry(nextId++, seq, part, speaker, segment.text(), timeMillis, segment.keys(),
                    surprise, lastId));
        }
    }

    private void archive(MemoryEntry entry) {
        lexical.add(entry.id(), entry.text());
        MemoryEntry previous = archive.get(entry.previousId());
        if (previous != null) {
            contextNorms.put(entry.id(), contextNorm(entry, previous));
        }
        lastId = entry.id();
        MemoryEntry dropped = archive.add(entry);
        if (dropped != null) {
            lexical.remove(dropped.id());
            contextNorms.remove(dropped.id());
        }
    }

    private double contextNorm(MemoryEntry entry, MemoryEntry previous) {
        float[] a = entry.keys().whole().decode();
        float[] b = previous.keys().whole().decode();
        double beta = ranker.fusion().contextWeight();
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            double v = a[i] + beta * b[i];
            sum += v * v;
        }
        return Math.sqrt(sum);
    }

    /** Every archived segment, best first for {@code query} (whose embedding is {@code queryEmbedding}). */
    List<RecalledSegment> rank(String query, float[] queryEmbedding) {
        return ranker.rank(query, queryEmbedding, archive.snapshot(), contextNorms, lexical, neural);
    }

    int archivedSegments() {
        return archive.size();
    }

    int neuralStateBytes() {
        return neural.stateBytes().length;
    }

    void writeTo(Envelope.Writer out) {
        out.putLong(nextId);
        out.putLong(lastId);
        List<MemoryEntry> all = archive.snapshot();
        out.putInt(all.size());
        for (MemoryEntry e : all) {
            out.putLong(e.id());
            out.putLong(e.seq());
            out.putInt(e.part());
            out.writeStringField(e.speaker());
            out.writeStringField(e.text());
            out.putLong(e.timeMillis());
            e.keys().writeTo(out);
            out.putDouble(e.surprise());
            out.putLong(e.previousId());
        }
        out.writeBytesField(neural.stateBytes());
    }

    void readFrom(Envelope.Payload in) {
        nextId = in.readLong("next segment id");
        long storedLastId = in.readLong("last segment id");
        int n = in.readCount("archive size", Integer.MAX_VALUE);
        for (int i = 0; i < n; i++) {
            long id = in.readLong("segment id");
            if (id < 0 || id >= nextId) {
                throw in.corrupt("segment id " + id + " outside [0, " + nextId + ")");
            }
            MemoryEntry entry = new MemoryEntry(id, in.readLong("seq"), in.readInt("part"),
                    in.readString("speaker"), in.readString("text"), in.readLong("time"),
                    SegmentKeys.readFrom(in, dimension), in.readDouble("surprise"), in.readLong("previous id"));
            archive(entry); // a state saved under a larger archiveCapacity is trimmed by the retention rule
        }
        lastId = storedLastId; // the last written segment may have been dropped at once by the retention rule
        neural.restore(in.readBytes("neural memory state", Integer.MAX_VALUE));
    }
}
