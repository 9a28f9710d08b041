package dev.titans4j.titans.store;

import dev.titans4j.titans.format.CorruptStateException;
import dev.titans4j.titans.format.Envelope;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileMemoryStateStoreTest extends MemoryStateStoreContractTest {

    @TempDir
    Path root;
    private Path directory;

    @Override
    protected MemoryStateStore newStore() {
        directory = root.resolve("states");
        return new FileMemoryStateStore(directory);
    }

    @Override
    protected MemoryStateStore sameStorageStore() {
        return new FileMemoryStateStore(directory);
    }

    @Override
    protected int incrementsPerThread() {
        return 25;
    }

    @Test
    void everyIdBecomesOneSafeFileDirectlyInTheDirectory() throws IOException {
        for (String id : unusualIds()) {
            store.save(id, bytes(id), 0);
        }

        List<Path> files = stateFiles();
        assertThat(files).hasSize(unusualIds().size());
        assertThat(files).allSatisfy(file -> {
            String name = file.getFileName().toString();
            assertThat(file.getParent()).isEqualTo(directory.toRealPath());
            assertThat(name).matches("[a-z0-9_-][a-z0-9_~-]*\\.state");
            assertThat(name.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(255);
        });
        assertThat(root.resolve("x.state")).doesNotExist();
        assertThat(stateFiles().stream().map(f -> f.getFileName().toString().toLowerCase()).distinct())
                .as("names stay distinct on case-insensitive file systems").hasSize(files.size());
    }

    @Test
    void fileHasTheDocumentedLayout() throws IOException {
        byte[] payload = randomBytes(7, 1000);
        long first = store.save("layout", payload, 0);
        long second = store.save("layout", payload, first);
        byte[] file = Files.readAllBytes(onlyStateFile());
        ByteBuffer in = ByteBuffer.wrap(file);
        byte[] header = Envelope.header("titans4j.state-file", 2);
        assertThat(Arrays.copyOf(file, header.length)).as("envelope header").isEqualTo(header);
        in.position(header.length);
        assertThat(in.getLong()).as("state version").isEqualTo(second).isEqualTo(first + 1);
        assertThat(in.getInt()).as("id length").isEqualTo(6);
        byte[] id = new byte[6];
        in.get(id);
        assertThat(new String(id, StandardCharsets.UTF_8)).isEqualTo("layout");
        assertThat(in.getInt()).as("payload length").isEqualTo(1000);
        CRC32C headerCrc = new CRC32C();
        headerCrc.update(file, 0, in.position());
        assertThat(in.getInt()).as("header CRC32C").isEqualTo((int) headerCrc.getValue());
        assertThat(Arrays.copyOfRange(file, in.position(), in.position() + 1000)).isEqualTo(payload);
        assertThat(Envelope.open(file, "titans4j.state-file", 2, 2, "file").remaining())
                .as("the envelope's footer checks the whole file").isEqualTo(file.length - header.length - 8);
    }

    @Test
    void aFileOfTheFormatBeforeTheEnvelopeIsStillReadAndRewrittenOnSave() throws IOException {
        Path file = saveAndLocate();
        byte[] payload = randomBytes(11, 300);
        byte[] id = "victim".getBytes(StandardCharsets.UTF_8);
        ByteBuffer legacy = ByteBuffer.allocate(8 + 4 + 8 + 4 + id.length + 12 + payload.length);
        legacy.put("T4JSTATE".getBytes(StandardCharsets.US_ASCII)).putInt(1).putLong(victimVersion).putInt(id.length)
                .put(id).putInt(payload.length);
        CRC32C payloadCrc = new CRC32C();
        payloadCrc.update(payload);
        legacy.putInt((int) payloadCrc.getValue());
        CRC32C headerCrc = new CRC32C();
        headerCrc.update(legacy.array(), 0, legacy.position());
        legacy.putInt((int) headerCrc.getValue()).put(payload);
        Files.write(file, legacy.array());

        assertThat(store.load("victim")).contains(new StoredState(payload, victimVersion));
        long next = store.save("victim", bytes("new"), victimVersion);
        assertThat(Envelope.isEnvelope(Files.readAllBytes(file))).isTrue();
        assertThat(store.load("victim")).contains(new StoredState(bytes("new"), next));
    }

    @Test
    void flippedPayloadByteIsDetected() throws IOException {
        Path file = saveAndLocate();
        byte[] content = Files.readAllBytes(file);
        content[content.length - 10] ^= 0x01;
        Files.write(file, content);

        assertCorrupt(file, "is corrupted: CRC32C mismatch");
    }

    @Test
    void flippedHeaderByteIsDetected() throws IOException {
        Path file = saveAndLocate();
        byte[] content = Files.readAllBytes(file);
        content[Envelope.headerLength("titans4j.state-file") + 7] ^= 0x01; // lowest byte of the state version
        Files.write(file, content);

        assertCorrupt(file, "has a header checksum mismatch");
    }

    @Test
    void truncatedFileIsDetected() throws IOException {
        Path file = saveAndLocate();
        byte[] content = Files.readAllBytes(file);
        Files.write(file, Arrays.copyOf(content, content.length - 100));

        assertCorrupt(file, "is truncated or has trailing bytes");
        Files.write(file, Arrays.copyOf(content, 30));
        assertCorrupt(file, "is truncated: 30 bytes");
        Files.write(file, new byte[0]);
        assertCorrupt(file, "is truncated: 0 bytes");
    }

    @Test
    void trailingGarbageIsDetected() throws IOException {
        Path file = saveAndLocate();
        Files.write(file, new byte[] {1, 2, 3}, java.nio.file.StandardOpenOption.APPEND);

        assertCorrupt(file, "is truncated or has trailing bytes");
    }

    @Test
    void foreignFileIsDetected() throws IOException {
        Path file = saveAndLocate();
        Files.writeString(file, "{\"json\": \"not a state file at all\"}");

        assertCorrupt(file, "is not a titans4j memory state file (bad magic number)");
    }

    @Test
    void newerFormatVersionIsRejected() throws IOException {
        Path file = saveAndLocate();
        Files.write(file, Envelope.wrap("titans4j.state-file", 3, randomBytes(5, 64)));

        assertCorrupt(file, "has format version 3, too new: this library reads version 2; upgrade titans4j");
    }

    @Test
    void fileCopiedUnderAnotherIdIsDetected() throws IOException {
        store.save("bob", bytes("bob's state"), 0);
        Path bobFile = onlyStateFile();
        store.save("eve", bytes("eve's state"), 0);
        Path eveFile = stateFiles().stream().filter(f -> !f.equals(bobFile)).findFirst().orElseThrow();
        Files.copy(bobFile, eveFile, java.nio.file.StandardCopyOption.REPLACE_EXISTING);

        assertThatThrownBy(() -> store.load("eve")).isInstanceOf(CorruptStateException.class)
                .hasMessageContaining(eveFile.toString()).hasMessageContaining("belongs to memory id 'bob', not 'eve'");
    }

    @Test
    void corruptStateIsNeverOverwrittenSilentlyButCanBeDeleted() throws IOException {
        Path file = saveAndLocate();
        Files.write(file, new byte[] {'j', 'u', 'n', 'k', 0, 0, 0, 0, 0, 0});

        assertThatThrownBy(() -> store.save("victim", bytes("new"), victimVersion))
                .isInstanceOf(CorruptStateException.class);
        assertThat(store.delete("victim")).isTrue();
        assertThat(store.save("victim", bytes("new"), 0)).isPositive();
    }

    @Test
    void leftoverTempFileIsIgnoredAndRemovedOnOpen() throws IOException {
        Path file = saveAndLocate();
        String name = file.getFileName().toString();
        Path temp = file.resolveSibling(name.substring(0, name.length() - ".state".length()) + ".tmp");
        Files.write(temp, new byte[] {'T', '4', 'J'}); // a writer died half way

        assertThat(store.ids()).containsExactly("victim");
        assertThat(store.load("victim").orElseThrow().bytes()).hasSize(500);
        new FileMemoryStateStore(directory);
        assertThat(temp).doesNotExist();
        assertThat(store.save("victim", bytes("next"), victimVersion)).isEqualTo(victimVersion + 1);
    }

    @Test
    void failedWriteKeepsThePreviousStateAndCleansUp() throws IOException {
        Path file = saveAndLocate();
        String name = file.getFileName().toString();
        Path temp = file.resolveSibling(name.substring(0, name.length() - ".state".length()) + ".tmp");
        Files.createDirectory(temp); // the temp file cannot be opened for writing: an I/O error mid-save

        assertThatThrownBy(() -> store.save("victim", bytes("new"), victimVersion))
                .isInstanceOf(MemoryStateStoreException.class)
                .hasMessageStartingWith("cannot write memory state 'victim' (" + file + ")");
        assertThat(store.load("victim").orElseThrow()).isEqualTo(new StoredState(randomBytes(3, 500), victimVersion));
        assertThat(temp).doesNotExist();
        assertThat(store.save("victim", bytes("new"), victimVersion)).isEqualTo(victimVersion + 1);
    }

    @Test
    void filesThisStoreDidNotWriteAreNotIds() throws IOException {
        store.save("real", bytes("x"), 0);
        Path dir = directory.toRealPath();
        for (String name : List.of("README.txt", "plain.state", "bad~xzz.state", "upper~x41.state", "x~q00.state",
                "y~x.state")) {
            Files.writeString(dir.resolve(name), "foreign");
        }

        assertThat(store.ids()).containsExactly("real");
    }

    @Test
    void unopenableDirectoryGivesAClearError() throws IOException {
        Path notADirectory = Files.writeString(root.resolve("file"), "x");

        assertThatThrownBy(() -> new FileMemoryStateStore(notADirectory))
                .isInstanceOf(MemoryStateStoreException.class)
                .hasMessage("memory state directory " + notADirectory + " is a file, not a directory");
    }

    @Test
    void aCrashBetweenASnapshotAndTheLogRewriteLeavesTheLogReadable() throws IOException {
        long generation = 0;
        for (int i = 1; i <= 6; i++) {
            generation = store.append("snap", bytes("record " + i)).generation();
        }
        store.saveSnapshot("snap", generation, 2, bytes("state after 2"));
        Path log = directory.toRealPath().resolve(StateFileNames.baseName("snap") + FileLogs.LOG_SUFFIX);
        byte[] logBefore = Files.readAllBytes(log);
        store.saveSnapshot("snap", generation, 5, bytes("state after 5"));
        Files.write(log, logBefore); // the writer died after renaming the new snapshot, before rewriting the log

        MemoryLog read = new FileMemoryStateStore(directory).readLog("snap", 0, 0);
        assertThat(read.snapshot().position()).isEqualTo(5);
        assertThat(read.snapshot().bytes()).isEqualTo(bytes("state after 5"));
        assertThat(read.records()).extracting(MemoryLog.Record::position).containsExactly(6L);
        assertThat(store.readLog("snap", generation, 3).records()).extracting(MemoryLog.Record::position)
                .as("a reader that is behind but within the log still continues").containsExactly(4L, 5L, 6L);
        assertThat(store.append("snap", bytes("record 7")).position()).isEqualTo(7);
    }

    @Test
    void aDamagedRecordLengthFollowedByRecordsIsCorruptionNotATornTail() throws IOException {
        for (int i = 1; i <= 3; i++) {
            store.append("log", bytes("record " + i));
        }
        Path log = directory.toRealPath().resolve(StateFileNames.baseName("log") + FileLogs.LOG_SUFFIX);
        byte[] content = Files.readAllBytes(log);
        int firstRecord = content.length - 3 * (16 + bytes("record 1").length);
        content[firstRecord + 8] ^= 0x10; // the length of record 1 now reaches past the end of the file
        Files.write(log, content);

        assertThatThrownBy(() -> store.readLog("log", 0, 0)).isInstanceOf(CorruptStateException.class)
                .hasMessageContaining("damaged record at byte " + firstRecord);
        assertThatThrownBy(() -> store.append("log", bytes("record 4"))).isInstanceOf(CorruptStateException.class);
        assertThat(Files.readAllBytes(log)).as("the acknowledged records are not cut off").isEqualTo(content);
    }

    /** A file too large for one array (a sparse 3 GB file here) is refused by its size, not read into memory. */
    @Test
    void aStateOrLogFileLargerThanAnArrayFailsWithoutReadingIt() throws IOException {
        store.save("big", bytes("state"), 0);
        store.append("big", bytes("record"));
        Path dir = directory.toRealPath();
        for (Path file : new Path[] {dir.resolve(StateFileNames.baseName("big") + StateFileNames.STATE_SUFFIX),
            dir.resolve(StateFileNames.baseName("big") + FileLogs.LOG_SUFFIX)}) {
            try (java.io.RandomAccessFile grown = new java.io.RandomAccessFile(file.toFile(), "rw")) {
                grown.setLength(3L << 30);
            }
        }
        assertThatThrownBy(() -> store.load("big")).isInstanceOf(CorruptStateException.class)
                .hasMessageContaining(StateFileNames.baseName("big")).hasMessageContaining("3221225472 bytes");
        assertThatThrownBy(() -> store.readLog("big", 0, 0)).isInstanceOf(CorruptStateException.class)
                .hasMessageContaining(FileLogs.LOG_SUFFIX).hasMessageContaining("3221225472 bytes");
        assertThatThrownBy(() -> store.append("big", bytes("more"))).isInstanceOf(CorruptStateException.class);
    }

    /** The same when the damaged length ends exactly at the end of the file, as a torn last record would. */
    @Test
    void aDamagedRecordLengthEndingAtTheEndOfTheFileIsCorruptionNotATornTail() throws IOException {
        for (int i = 1; i <= 3; i++) {
            store.append("log", bytes("record " + i));
        }
        Path log = directory.toRealPath().resolve(StateFileNames.baseName("log") + FileLogs.LOG_SUFFIX);
        byte[] content = Files.readAllBytes(log);
        int firstRecord = content.length - 3 * (16 + bytes("record 1").length);
        ByteBuffer.wrap(content).putInt(firstRecord + 8, content.length - firstRecord - 16);
        Files.write(log, content);

        assertThatThrownBy(() -> store.readLog("log", 0, 0)).isInstanceOf(CorruptStateException.class)
                .hasMessageContaining("damaged record at byte " + firstRecord);
        assertThatThrownBy(() -> store.append("log", bytes("record 4"))).isInstanceOf(CorruptStateException.class);
        assertThat(Files.readAllBytes(log)).as("the acknowledged records are not cut off").isEqualTo(content);
    }

    @Test
    void anAppendCutShortByACrashIsIgnoredAndCutOffByTheNextAppend() throws IOException {
        store.append("torn", bytes("record 1"));
        Path log = directory.toRealPath().resolve(StateFileNames.baseName("torn") + FileLogs.LOG_SUFFIX);
        byte[] complete = Files.readAllBytes(log);
        store.append("torn", bytes("record 2 is longer"));
        byte[] two = Files.readAllBytes(log);
        for (int cut = complete.length + 1; cut < two.length; cut += 5) {
            Files.write(log, Arrays.copyOf(two, cut));
            assertThat(store.readLog("torn", 0, 0).records()).as("cut at %d", cut).hasSize(1);
        }
        assertThat(store.append("torn", bytes("record 2 again")).position()).isEqualTo(2);
        assertThat(store.readLog("torn", 0, 0).records()).hasSize(2);
    }

    /**
     * A crash can also leave the last record at its full length with a payload that never reached the disk (zeros,
     * or an older page): still a torn tail, not corruption, as long as no record follows it.
     */
    @Test
    void aLastRecordOfFullLengthWithALostPayloadIsATornTail() throws IOException {
        store.append("torn", bytes("record 1"));
        store.append("torn", bytes("record 2 is longer"));
        Path log = directory.toRealPath().resolve(StateFileNames.baseName("torn") + FileLogs.LOG_SUFFIX);
        byte[] content = Files.readAllBytes(log);
        int payload = content.length - bytes("record 2 is longer").length;
        for (byte fill : new byte[] {0, 'r'}) {
            Arrays.fill(content, payload, content.length, fill);
            Files.write(log, content);
            assertThat(store.readLog("torn", 0, 0).records()).as("payload filled with %d", fill).hasSize(1);
        }
        assertThat(store.append("torn", bytes("record 2 again")).position()).isEqualTo(2);
        assertThat(store.readLog("torn", 0, 0).records()).hasSize(2);
    }

    @Test
    void aLogCopiedUnderAnotherIdIsDetected() throws IOException {
        store.append("bob", bytes("bob's record"));
        store.append("eve", bytes("eve's record"));
        Path dir = directory.toRealPath();
        Path eveLog = dir.resolve(StateFileNames.baseName("eve") + FileLogs.LOG_SUFFIX);
        Files.copy(dir.resolve(StateFileNames.baseName("bob") + FileLogs.LOG_SUFFIX), eveLog,
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);

        assertThatThrownBy(() -> store.readLog("eve", 0, 0)).isInstanceOf(CorruptStateException.class)
                .hasMessageContaining(eveLog.toString()).hasMessageContaining("belongs to memory id 'bob', not 'eve'");
        assertThatThrownBy(() -> store.append("eve", bytes("next"))).isInstanceOf(CorruptStateException.class);
    }

    @Test
    void aLogOfFormatVersion1IsStillReadAndGetsItsIdOnTheNextAppend() throws IOException {
        String id = "v".repeat(120); // a hashed file name: only the header can say whose log it is
        Path log = directory.toRealPath().resolve(StateFileNames.baseName(id) + FileLogs.LOG_SUFFIX);
        ByteBuffer header = ByteBuffer.allocate(Envelope.headerLength("titans4j.log") + 8 + 8 + 4);
        header.put(Envelope.header("titans4j.log", 1)).putLong(77).putLong(0);
        CRC32C headerCrc = new CRC32C();
        headerCrc.update(header.array(), 0, header.position());
        header.putInt((int) headerCrc.getValue());
        byte[] payload = bytes("written by version 1");
        ByteBuffer record = ByteBuffer.allocate(16 + payload.length);
        record.putLong(1).putInt(payload.length);
        CRC32C recordCrc = new CRC32C();
        recordCrc.update(record.array(), 0, 12);
        recordCrc.update(payload);
        record.putInt((int) recordCrc.getValue()).put(payload);
        Files.write(log, concat(header.array(), record.array()));

        MemoryLog read = store.readLog(id, 0, 0);
        assertThat(read.generation()).isEqualTo(77);
        assertThat(read.records()).extracting(r -> new String(r.bytes(), StandardCharsets.UTF_8))
                .containsExactly("written by version 1");
        assertThat(store.ids()).as("no id in a version 1 header").isEmpty();

        assertThat(store.append(id, bytes("next"))).isEqualTo(new LogPosition(77, 2));
        assertThat(store.ids()).containsExactly(id);
        assertThat(store.readLog(id, 77, 0).records()).hasSize(2);
    }

    @Test
    void aSnapshotWrittenBeforeLogFormatVersion2IsStillRead() throws IOException {
        // what version 1 left for a memory that took a snapshot: log from position 3 on, snapshot at 3
        Path dir = directory.toRealPath();
        String base = StateFileNames.baseName("old");
        ByteBuffer header = ByteBuffer.allocate(Envelope.headerLength("titans4j.log") + 8 + 8 + 4);
        header.put(Envelope.header("titans4j.log", 1)).putLong(77).putLong(3);
        CRC32C headerCrc = new CRC32C();
        headerCrc.update(header.array(), 0, header.position());
        header.putInt((int) headerCrc.getValue());
        byte[] payload = bytes("record 4");
        ByteBuffer record = ByteBuffer.allocate(16 + payload.length);
        record.putLong(4).putInt(payload.length);
        CRC32C recordCrc = new CRC32C();
        recordCrc.update(record.array(), 0, 12);
        recordCrc.update(payload);
        record.putInt((int) recordCrc.getValue()).put(payload);
        Files.write(dir.resolve(base + FileLogs.LOG_SUFFIX), concat(header.array(), record.array()));
        Envelope.Writer snapshot = Envelope.writer("titans4j.log-snapshot", 1);
        snapshot.putLong(77);
        snapshot.putLong(3);
        snapshot.writeBytesField(bytes("state after 3"));
        Files.write(dir.resolve(base + FileLogs.SNAPSHOT_SUFFIX), snapshot.finish());

        MemoryLog read = store.readLog("old", 0, 0);
        assertThat(read.snapshot().position()).isEqualTo(3);
        assertThat(read.snapshot().bytes()).isEqualTo(bytes("state after 3"));
        assertThat(read.records()).extracting(MemoryLog.Record::position).containsExactly(4L);

        assertThat(store.append("old", bytes("record 5"))).isEqualTo(new LogPosition(77, 5));
        assertThat(store.readLog("old", 0, 0).snapshot().bytes()).isEqualTo(bytes("state after 3"));
    }

    /** The version {@link #saveAndLocate()} created "victim" with. */
    private long victimVersion;

    private Path saveAndLocate() throws IOException {
        victimVersion = store.save("victim", randomBytes(3, 500), 0);
        return onlyStateFile();
    }

    private void assertCorrupt(Path file, String problem) {
        assertThatThrownBy(() -> store.load("victim")).isInstanceOf(CorruptStateException.class)
                .hasMessageStartingWith("memory state file " + file + " " + problem);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private Path onlyStateFile() throws IOException {
        List<Path> files = stateFiles();
        assertThat(files).hasSize(1);
        return files.get(0);
    }

    private List<Path> stateFiles() throws IOException {
        try (Stream<Path> files = Files.list(directory.toRealPath())) {
            return files.filter(f -> f.toString().endsWith(".state")).sorted().toList();
        }
    }
}
