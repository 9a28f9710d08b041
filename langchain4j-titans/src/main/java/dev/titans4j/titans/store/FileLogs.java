package dev.titans4j.titans.store;

import dev.titans4j.titans.format.CorruptStateException;
import dev.titans4j.titans.format.Envelope;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.zip.CRC32C;

/**
 * The logs of a {@link FileMemoryStateStore}: per memory id an append-only file {@code <base>.log} and the latest
 * snapshot {@code <base>.snap}. Callers hold the id's lock stripe.
 *
 * <pre>
 *   .log   envelope header (codec {@value #LOG_CODEC}) | generation (int64) | base position (int64)
 *          | memory id length n (int32) | memory id (n bytes UTF-8) | CRC32C of the preceding bytes (int32)
 *          then records: position (int64) | length n (int32) | CRC32C of position, length and payload (int32)
 *          | payload (n bytes); positions are base + 1, base + 2, ...
 *   .snap  envelope (codec {@value #SNAPSHOT_CODEC}): generation (int64) | position (int64) | snapshot bytes
 * </pre>
 * An append writes one record at the end and forces it to disk before returning, so an acknowledged record
 * survives a crash. A crash during an append can leave an incomplete last record (a torn tail): readers ignore it
 * and the next append cuts it off; it was never acknowledged. A damaged record followed by others is corruption
 * ({@link CorruptStateException}). Snapshots, and the log rewritten without the records a snapshot covers, are
 * written to a temporary file, forced and renamed atomically. The id in the header lists ids whose names are hashes
 * and detects a log copied or renamed under another id; version 1 logs (no id) are still read and get it on their
 * next append.
 */
final class FileLogs {

    static final String LOG_SUFFIX = ".log";
    static final String SNAPSHOT_SUFFIX = ".snap";
    static final String LOG_TEMP_SUFFIX = ".logtmp";
    static final String SNAPSHOT_TEMP_SUFFIX = ".snaptmp";
    static final String LOG_CODEC = "titans4j.log";
    static final String SNAPSHOT_CODEC = "titans4j.log-snapshot";
    private static final int VERSION = 2;
    /** The snapshot format has its own version: version 2 of the log changed only the log's header. */
    private static final int SNAPSHOT_VERSION = 1;
    /** Envelope header, generation and base position: the part of the header every version has. */
    private static final int FIXED_HEADER = Envelope.headerLength(LOG_CODEC) + 8 + 8;
    private static final int RECORD_HEADER = 8 + 4 + 4;
    private static final int MAX_RECORD = 1 << 30;

    private final Path directory;
    private final Runnable forceDirectory;

    FileLogs(Path directory, Runnable forceDirectory) {
        this.directory = directory;
        this.forceDirectory = forceDirectory;
    }

    /** What a log file's header says (memoryId null for version 1) and where its records start. */
    private record Header(int version, long generation, long base, String memoryId, int length) {
    }

    /** A parsed log file: its header and the valid records (payloads), and where valid content ends. */
    private record LogFile(int version, long generation, long base, List<MemoryLog.Record> records, long validEnd) {

        long last() {
            return base + records.size();
        }
    }

    LogPosition append(String memoryId, byte[] record) throws IOException {
        String base = StateFileNames.baseName(memoryId);
        Path file = logFile(base);
        LogFile log = read(file, memoryId, true);
        if (log == null) {
            log = create(memoryId, FirstVersions.next(), 0, List.of());
        } else if (log.version() < VERSION) {
            log = create(memoryId, log.generation(), log.base(), log.records()); // once: the header gets the id
        }
        long position = log.last() + 1;
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            if (channel.size() > log.validEnd()) {
                channel.truncate(log.validEnd()); // a torn tail left by a crashed append
            }
            channel.position(log.validEnd());
            ByteBuffer[] parts = {recordHeader(position, record), ByteBuffer.wrap(record)};
            while (parts[1].hasRemaining()) {
                channel.write(parts);
            }
            channel.force(false);
        }
        return new LogPosition(log.generation(), position);
    }

    MemoryLog readLog(String memoryId, long generation, long position) throws IOException {
        String base = StateFileNames.baseName(memoryId);
        LogFile log = read(logFile(base), memoryId, true);
        if (log == null) {
            return MemoryLog.ABSENT;
        }
        boolean continues = log.generation() == generation && position >= log.base() && position <= log.last();
        if (continues) {
            return new MemoryLog(log.generation(), null, after(log.records(), position));
        }
        MemoryLog.Snapshot snapshot = readSnapshot(base, log.generation());
        if (snapshot != null && snapshot.position() >= log.base() && snapshot.position() <= log.last()) {
            // a snapshot past the log's base: its writer stopped before dropping the records it covers
            return new MemoryLog(log.generation(), snapshot, after(log.records(), snapshot.position()));
        }
        if (log.base() > 0) {
            throw new CorruptStateException("log " + logFile(base) + " starts after position " + log.base()
                    + " but its snapshot " + snapshotFile(base) + " is missing or for another position");
        }
        return new MemoryLog(log.generation(), null, log.records());
    }

    void saveSnapshot(String memoryId, long generation, long position, byte[] bytes) throws IOException {
        String base = StateFileNames.baseName(memoryId);
        LogFile log = read(logFile(base), memoryId, true);
        if (log == null || log.generation() != generation || position > log.last() || position <= log.base()) {
            return; // deleted meanwhile, another history, unknown position, or not newer than the last one
        }
        Envelope.Writer out = Envelope.writer(SNAPSHOT_CODEC, SNAPSHOT_VERSION, bytes.length + 32);
        out.putLong(generation);
        out.putLong(position);
        out.writeBytesField(bytes);
        Path temp = directory.resolve(base + SNAPSHOT_TEMP_SUFFIX);
        FileMemoryStateStore.writeDurably(temp, ByteBuffer.wrap(out.finish()));
        FileMemoryStateStore.moveAtomically(temp, snapshotFile(base));
        forceDirectory.run();
        // then the log without the records the snapshot covers; a crash before this leaves them: readers skip them
        create(memoryId, generation, position, after(log.records(), position));
    }

    boolean delete(String base) throws IOException {
        boolean existed = Files.deleteIfExists(logFile(base));
        existed |= Files.deleteIfExists(snapshotFile(base));
        Files.deleteIfExists(directory.resolve(base + LOG_TEMP_SUFFIX));
        Files.deleteIfExists(directory.resolve(base + SNAPSHOT_TEMP_SUFFIX));
        return existed;
    }

    /** The memory id in the header of the log {@code <base>.log}; empty for version 1 or when there is none. */
    Optional<String> owner(String base) throws IOException {
        Path file = logFile(base);
        try {
            return Optional.ofNullable(header(file, WholeFiles.read(file, "memory log")).memoryId());
        } catch (NoSuchFileException deletedMeanwhile) {
            return Optional.empty();
        }
    }

    /** Bytes on disk for the id: snapshot plus log (for benchmarks). */
    long storedBytes(String base) throws IOException {
        long bytes = 0;
        for (Path p : new Path[] {logFile(base), snapshotFile(base)}) {
            if (Files.exists(p)) {
                bytes += Files.size(p);
            }
        }
        return bytes;
    }

    Path logFile(String base) {
        return directory.resolve(base + LOG_SUFFIX);
    }

    private Path snapshotFile(String base) {
        return directory.resolve(base + SNAPSHOT_SUFFIX);
    }

    /** Writes a log holding {@code records} after {@code basePosition}, atomically replacing any log of the id. */
    private LogFile create(String memoryId, long generation, long basePosition, List<MemoryLog.Record> records)
            throws IOException {
        String base = StateFileNames.baseName(memoryId);
        byte[] id = memoryId.getBytes(StandardCharsets.UTF_8);
        List<ByteBuffer> parts = new ArrayList<>();
        ByteBuffer header = ByteBuffer.allocate(FIXED_HEADER + 4 + id.length + 4);
        header.put(Envelope.header(LOG_CODEC, VERSION)).putLong(generation).putLong(basePosition)
                .putInt(id.length).put(id);
        CRC32C crc = new CRC32C();
        crc.update(header.array(), 0, header.position());
        header.putInt((int) crc.getValue());
        parts.add(header.flip());
        long end = header.limit();
        for (MemoryLog.Record r : records) {
            parts.add(recordHeader(r.position(), r.bytes()));
            parts.add(ByteBuffer.wrap(r.bytes()));
            end += RECORD_HEADER + r.bytes().length;
        }
        Path temp = directory.resolve(base + LOG_TEMP_SUFFIX);
        FileMemoryStateStore.writeDurably(temp, parts.toArray(ByteBuffer[]::new));
        FileMemoryStateStore.moveAtomically(temp, logFile(base));
        forceDirectory.run();
        return new LogFile(VERSION, generation, basePosition, records, end);
    }

    private static ByteBuffer recordHeader(long position, byte[] payload) {
        if (payload.length > MAX_RECORD) {
            throw new IllegalArgumentException("a log record has at most " + MAX_RECORD + " bytes, got "
                    + payload.length);
        }
        ByteBuffer h = ByteBuffer.allocate(RECORD_HEADER);
        h.putLong(position).putInt(payload.length);
        CRC32C crc = new CRC32C();
        crc.update(h.array(), 0, 12);
        crc.update(payload);
        h.putInt((int) crc.getValue());
        return h.flip();
    }

    /** The parsed log, or null when there is none; a log of another id than {@code memoryId} is corruption. */
    private LogFile read(Path file, String memoryId, boolean withPayloads) throws IOException {
        byte[] content;
        try {
            content = WholeFiles.read(file, "memory log");
        } catch (NoSuchFileException e) {
            return null;
        }
        Header header = header(file, content);
        if (header.memoryId() != null && !header.memoryId().equals(memoryId)) {
            throw corrupt(file, "belongs to memory id '" + header.memoryId() + "', not '" + memoryId
                    + "' (copied or renamed by hand?)");
        }
        ByteBuffer in = ByteBuffer.wrap(content);
        List<MemoryLog.Record> records = new ArrayList<>();
        long expectedPosition = header.base() + 1;
        int at = header.length();
        while (content.length - at >= RECORD_HEADER) {
            long position = in.getLong(at);
            int length = in.getInt(at + 8);
            int stored = in.getInt(at + 12);
            if (length < 0 || length > content.length - at - RECORD_HEADER) {
                if (position != expectedPosition || length < 0
                        || recordFollows(content, at + RECORD_HEADER, expectedPosition + 1)) {
                    // not a prefix of one record: a damaged header, and the next append would cut off the rest
                    throw corrupt(file, "has a damaged record at byte " + at + " (position " + position
                            + ", expected " + expectedPosition + ", length " + length + ")");
                }
                break; // the last record was cut short by a crash: not acknowledged, ignored
            }
            CRC32C c = new CRC32C();
            c.update(content, at, 12);
            c.update(content, at + RECORD_HEADER, length);
            int end = at + RECORD_HEADER + length;
            if (stored != (int) c.getValue() || position != expectedPosition) {
                if (end == content.length && !recordFollows(content, at + RECORD_HEADER, expectedPosition + 1)) {
                    break; // a torn last record (a damaged length spanning later records is not one)
                }
                throw corrupt(file, "has a damaged record at byte " + at + " (position " + position + ", expected "
                        + expectedPosition + ")");
            }
            records.add(new MemoryLog.Record(position, withPayloads
                    ? Arrays.copyOfRange(content, at + RECORD_HEADER, end) : new byte[0]));
            expectedPosition++;
            at = end;
        }
        return new LogFile(header.version(), header.generation(), header.base(), records, at);
    }

    private static Header header(Path file, byte[] content) {
        if (content.length < FIXED_HEADER + 4) {
            throw corrupt(file, "is truncated: " + content.length + " bytes, shorter than its header");
        }
        if (!Envelope.namesCodec(content, LOG_CODEC)) {
            throw corrupt(file, "is not a titans4j log");
        }
        ByteBuffer in = ByteBuffer.wrap(content);
        int envelope = Envelope.headerLength(LOG_CODEC);
        int version = in.getInt(envelope - Integer.BYTES); // the envelope header ends with it
        if (version < 1 || version > VERSION) {
            throw corrupt(file, "has format version " + version + (version > VERSION
                    ? ", too new: this library reads versions 1 to " + VERSION + "; upgrade titans4j" : ""));
        }
        int idLength = version == 1 ? 0 : in.getInt(FIXED_HEADER);
        if (version > 1 && (idLength < 1 || idLength > MemoryIds.MAX_UTF8_BYTES)) {
            throw corrupt(file, "has a damaged header (memory id length " + idLength + ")");
        }
        int idStart = FIXED_HEADER + (version == 1 ? 0 : 4);
        int length = idStart + idLength + 4;
        if (content.length < length) {
            throw corrupt(file, "is truncated: " + content.length + " bytes, shorter than its header");
        }
        long generation = in.getLong(envelope);
        long base = in.getLong(envelope + 8);
        CRC32C crc = new CRC32C();
        crc.update(content, 0, length - 4);
        if (in.getInt(length - 4) != (int) crc.getValue() || generation < 1 || base < 0) {
            throw corrupt(file, "has a damaged header");
        }
        String memoryId = version == 1 ? null : new String(content, idStart, idLength, StandardCharsets.UTF_8);
        return new Header(version, generation, base, memoryId, length);
    }

    /** Whether a complete, valid record at {@code position} starts anywhere from byte {@code from} on. */
    private static boolean recordFollows(byte[] content, int from, long position) {
        ByteBuffer in = ByteBuffer.wrap(content);
        for (int at = from; content.length - at >= RECORD_HEADER; at++) {
            int length = in.getInt(at + 8);
            if (in.getLong(at) == position && length >= 0 && length <= content.length - at - RECORD_HEADER) {
                CRC32C c = new CRC32C();
                c.update(content, at, 12);
                c.update(content, at + RECORD_HEADER, length);
                if (in.getInt(at + 12) == (int) c.getValue()) {
                    return true;
                }
            }
        }
        return false;
    }

    private MemoryLog.Snapshot readSnapshot(String base, long generation) throws IOException {
        Path file = snapshotFile(base);
        byte[] content;
        try {
            content = WholeFiles.read(file, "snapshot");
        } catch (NoSuchFileException e) {
            return null;
        }
        Envelope.Payload in = Envelope.open(content, SNAPSHOT_CODEC, SNAPSHOT_VERSION, SNAPSHOT_VERSION,
                "snapshot " + file);
        long storedGeneration = in.readLong("generation");
        long position = in.readLong("position");
        byte[] bytes = in.readBytes("snapshot", in.remaining());
        in.requireEnd();
        return storedGeneration == generation ? new MemoryLog.Snapshot(position, bytes) : null;
    }

    private static List<MemoryLog.Record> after(List<MemoryLog.Record> records, long position) {
        List<MemoryLog.Record> out = new ArrayList<>();
        for (MemoryLog.Record r : records) {
            if (r.position() > position) {
                out.add(r);
            }
        }
        return out;
    }

    private static CorruptStateException corrupt(Path file, String problem) {
        return new CorruptStateException("memory log " + file + " " + problem);
    }
}
