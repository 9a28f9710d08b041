package dev.titans4j.titans.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The behaviour every {@link MemoryStateStore} must show; each implementation's test extends this class.
 * The reference is the SPI's documented contract: states round-trip byte for byte, versions are positive and
 * opaque and go up by one per save, stale saves conflict and write nothing (also across delete and re-create),
 * ids are isolated.
 */
abstract class MemoryStateStoreContractTest {

    /** Generous retries: these tests check that no update is lost, not how often writers collide. */
    static final VersionedUpdater PATIENT = VersionedUpdater.builder()
            .maxAttempts(500).initialBackoff(Duration.ofMillis(1)).maxBackoff(Duration.ofMillis(20)).build();

    protected MemoryStateStore store;

    /** A new, empty store. */
    protected abstract MemoryStateStore newStore() throws Exception;

    /** Another instance on the same storage as {@link #store} (a second application instance). */
    protected abstract MemoryStateStore sameStorageStore() throws Exception;

    protected int threads() {
        return 4;
    }

    protected int incrementsPerThread() {
        return 40;
    }

    @BeforeEach
    void openStore() throws Exception {
        store = newStore();
    }

    @Test
    void absentIdLoadsEmpty() {
        assertThat(store.load("nobody")).isEmpty();
        assertThat(store.ids()).isEmpty();
    }

    @Test
    void roundTripsBytesExactly() {
        byte[] state = randomBytes(1, 4096);
        long version = store.save("alice", state, 0);

        assertThat(version).isPositive();
        assertThat(store.load("alice")).contains(new StoredState(state, version));
    }

    @Test
    void roundTripsEmptyAndLargeStates() {
        byte[] large = randomBytes(2, 3 * 1024 * 1024 + 17);
        store.save("empty", new byte[0], 0);
        store.save("large", large, 0);

        assertThat(store.load("empty").orElseThrow().bytes()).isEmpty();
        assertThat(store.load("large").orElseThrow().bytes()).isEqualTo(large);
    }

    @Test
    void copiesBytesInAndOut() {
        byte[] state = {1, 2, 3};
        store.save("copy", state, 0);
        state[0] = 99;
        store.load("copy").orElseThrow().bytes()[1] = 99;

        assertThat(store.load("copy").orElseThrow().bytes()).containsExactly(1, 2, 3);
    }

    @Test
    void everySaveIncreasesTheVersionByOne() {
        long first = store.save("counter", new byte[] {0}, 0);
        assertThat(first).isPositive();
        long version = first;
        for (int i = 1; i <= 5; i++) {
            long previous = version;
            version = store.save("counter", new byte[] {(byte) i}, previous);
            assertThat(version).isEqualTo(previous + 1);
            assertThat(store.load("counter").orElseThrow())
                    .isEqualTo(new StoredState(new byte[] {(byte) i}, first + i));
        }
    }

    @Test
    void staleSaveConflictsAndWritesNothing() {
        long v1 = store.save("doc", bytes("first"), 0);
        long v2 = store.save("doc", bytes("second"), v1);

        assertThatThrownBy(() -> store.save("doc", bytes("lost"), v1))
                .isInstanceOfSatisfying(StateConflictException.class, e -> {
                    assertThat(e.memoryId()).isEqualTo("doc");
                    assertThat(e.expectedVersion()).isEqualTo(v1);
                    assertThat(e.actualVersion()).isEqualTo(v2);
                })
                .hasMessageContaining("'doc'").hasMessageContaining("expected version " + v1)
                .hasMessageContaining("found version " + v2);
        assertThat(store.load("doc")).contains(new StoredState(bytes("second"), v2));
    }

    @Test
    void creatingAnExistingStateConflicts() {
        store.save("doc", bytes("mine"), 0);

        assertThatThrownBy(() -> store.save("doc", bytes("theirs"), 0))
                .isInstanceOf(StateConflictException.class).hasMessageContaining("expected no state");
        assertThat(store.load("doc").orElseThrow().bytes()).isEqualTo(bytes("mine"));
    }

    @Test
    void savingAnAbsentStateWithAVersionConflicts() {
        assertThatThrownBy(() -> store.save("ghost", bytes("x"), 3))
                .isInstanceOfSatisfying(StateConflictException.class,
                        e -> assertThat(e.actualVersion()).isEqualTo(StateConflictException.ABSENT));
        assertThat(store.load("ghost")).isEmpty();
    }

    @Test
    void deleteRemovesOneIdAndNothingElse() {
        Map<String, byte[]> states = new HashMap<>();
        for (int i = 0; i < 60; i++) {
            String id = "user-" + i;
            states.put(id, randomBytes(i, 100 + i));
            store.save(id, states.get(id), 0);
        }
        for (int i = 0; i < 60; i += 2) {
            assertThat(store.delete("user-" + i)).isTrue();
        }

        for (int i = 0; i < 60; i++) {
            Optional<StoredState> loaded = store.load("user-" + i);
            if (i % 2 == 0) {
                assertThat(loaded).as("user-" + i).isEmpty();
            } else {
                assertThat(loaded.orElseThrow().bytes()).as("user-" + i).isEqualTo(states.get("user-" + i));
            }
        }
        assertThat(store.ids()).hasSize(30).allMatch(id -> Integer.parseInt(id.substring(5)) % 2 == 1);
        assertThat(store.delete("user-0")).isFalse();
    }

    @Test
    void deletedIdCanBeCreatedAgainAndStaleWritersConflict() {
        long v = store.save("again", bytes("a"), 0);
        v = store.save("again", bytes("b"), v);
        store.delete("again");
        long stale = v;

        assertThatThrownBy(() -> store.save("again", bytes("stale"), stale))
                .isInstanceOf(StateConflictException.class);
        long recreated = store.save("again", bytes("c"), 0);
        assertThat(recreated).isPositive();
        assertThat(store.load("again")).contains(new StoredState(bytes("c"), recreated));
    }

    /**
     * The lost update that repeating versions would allow: A saves; B loads, deletes and re-creates the id; A then
     * saves based on the version from before the delete. A must get a conflict and B's new state must survive.
     * Repeated so that a store restarting at a fixed version (or drawing from a tiny range) cannot pass by luck.
     */
    @Test
    void staleWriterAfterDeleteAndRecreateConflicts() {
        for (int round = 0; round < 20; round++) {
            String id = "x-" + round;
            long versionOfA = store.save(id, bytes("A's first"), 0);
            long versionOfB = store.load(id).orElseThrow().version();
            assertThat(versionOfB).isEqualTo(versionOfA);
            store.delete(id);
            long recreated = store.save(id, bytes("B's new state"), 0);

            assertThat(recreated).as("a re-created state must not reuse the old version").isNotEqualTo(versionOfA);
            assertThatThrownBy(() -> store.save(id, bytes("A's stale change"), versionOfA))
                    .isInstanceOfSatisfying(StateConflictException.class, e -> {
                        assertThat(e.expectedVersion()).isEqualTo(versionOfA);
                        assertThat(e.actualVersion()).isEqualTo(recreated);
                    });
            assertThat(store.load(id)).contains(new StoredState(bytes("B's new state"), recreated));
        }
    }

    static List<String> unusualIds() {
        return List.of("../x", "..", ".", "/", "a/b/../../c", "..\\..\\windows", "C:\\x", "con", "NUL", "x.state",
                "x.tmp", "~x41", "with space", " leading", "Ab", "aB", "AB", "ab", "é", "e\u0301", "日本語のメモリ",
                "😀 emoji", "עברית", "%2e%2e%2f", "*?<>|\"'", "x".repeat(96), "y".repeat(97),
                "長".repeat(341) + "x", "z".repeat(MemoryIds.MAX_UTF8_BYTES));
    }

    @ParameterizedTest
    @MethodSource("unusualIds")
    void unusualIdsRoundTripOnTheirOwn(String id) {
        byte[] state = bytes("state of " + id);
        store.save(id, state, 0);

        assertThat(store.load(id).orElseThrow().bytes()).isEqualTo(state);
        assertThat(store.ids()).containsExactly(id);
        assertThat(store.delete(id)).isTrue();
        assertThat(store.ids()).isEmpty();
    }

    @ParameterizedTest
    @MethodSource("unusualIds")
    void unusualIdsWithOnlyALogAreListed(String id) {
        store.append(id, bytes("record of " + id));

        assertThat(store.ids()).containsExactly(id);
        assertThat(store.readLog(id, 0, 0).records()).hasSize(1);
        assertThat(store.delete(id)).isTrue();
        assertThat(store.ids()).isEmpty();
    }

    @Test
    void unusualIdsAreAllDistinct() {
        List<String> ids = unusualIds();
        for (String id : ids) {
            store.save(id, bytes(id), 0);
        }

        assertThat(store.ids()).containsExactlyInAnyOrderElementsOf(ids);
        for (String id : ids) {
            StoredState loaded = store.load(id).orElseThrow();
            assertThat(loaded.bytes()).as(id).isEqualTo(bytes(id));
            assertThat(loaded.version()).as(id).isPositive();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "\t\n", "nul\u0000byte", "bell\u0007", "unpaired\uD800", "\uDC00x"})
    void invalidIdsAreRejectedClearly(String id) {
        assertThatThrownBy(() -> store.save(id, bytes("x"), 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("memory id must");
        assertThatThrownBy(() -> store.load(id)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.delete(id)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void nullAndTooLongIdsAndBadArgumentsAreRejected() {
        String tooLong = "z".repeat(MemoryIds.MAX_UTF8_BYTES + 1);
        assertThatThrownBy(() -> store.load(null)).hasMessage("memory id must not be null");
        assertThatThrownBy(() -> store.save(tooLong, bytes("x"), 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1025 UTF-8 bytes");
        assertThatThrownBy(() -> store.save("ok", null, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must not be null");
        assertThatThrownBy(() -> store.save("ok", bytes("x"), -1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("got -1");
        assertThat(store.ids()).isEmpty();
    }

    @Test
    void updateCreatesThenChanges() {
        StoredState created = store.update("u", current -> {
            assertThat(current).isEmpty();
            return bytes("one");
        });
        StoredState changed = store.update("u", current -> concat(current.orElseThrow(), bytes("+two")));

        assertThat(created.version()).isPositive();
        assertThat(changed).isEqualTo(new StoredState(bytes("one+two"), created.version() + 1));
        assertThat(store.load("u")).contains(changed);
    }

    @Test
    void updateGivesUpWithAClearConflictWhenAnotherWriterAlwaysWins() {
        long first = store.save("contested", counter(0), 0);
        VersionedUpdater threeTries = VersionedUpdater.builder().maxAttempts(3).initialBackoff(Duration.ZERO)
                .maxBackoff(Duration.ZERO).build();
        int[] calls = {0};

        assertThatThrownBy(() -> threeTries.update(store, "contested", current -> {
            calls[0]++;
            // another application instance saves after we loaded: our save is always stale
            store.update("contested", other -> counter(valueOf(other) + 100));
            return counter(valueOf(current) + 1);
        }))
                .isInstanceOfSatisfying(StateConflictException.class, e -> {
                    assertThat(e.memoryId()).isEqualTo("contested");
                    assertThat(e.expectedVersion()).isEqualTo(first + 2);
                    assertThat(e.actualVersion()).isEqualTo(first + 3);
                })
                .hasMessage("gave up updating memory state 'contested' after 3 attempts, another writer saved"
                        + " first each time (last attempt expected version " + (first + 2) + ", found version "
                        + (first + 3) + ")");
        assertThat(calls[0]).isEqualTo(3);
        assertThat(valueOf(store.load("contested").map(StoredState::bytes))).isEqualTo(300);
    }

    @Test
    void concurrentUpdatesOnOneIdLoseNothing() throws Exception {
        runIncrements(List.of(store));
    }

    @Test
    void twoInstancesOnTheSameStorageLoseNothing() throws Exception {
        runIncrements(List.of(store, sameStorageStore()));
    }

    @Test
    void concurrentWritersOnDifferentIdsStayIsolated() throws Exception {
        int ids = 8;
        ExecutorService pool = Executors.newFixedThreadPool(threads());
        try {
            List<Future<long[]>> done = new ArrayList<>();
            for (int i = 0; i < ids; i++) {
                String id = "parallel-" + i;
                int seed = i;
                done.add(pool.submit(() -> {
                    long first = store.save(id, randomBytes(seed * 100, 2000 + seed), 0);
                    long version = first;
                    for (int round = 1; round < 10; round++) {
                        version = store.save(id, randomBytes(seed * 100 + round, 2000 + seed), version);
                    }
                    return new long[] {first, version};
                }));
            }
            for (int i = 0; i < ids; i++) {
                long[] firstAndLast = done.get(i).get(60, TimeUnit.SECONDS);
                assertThat(firstAndLast[1]).isEqualTo(firstAndLast[0] + 9);
                assertThat(store.load("parallel-" + i).orElseThrow())
                        .isEqualTo(new StoredState(randomBytes(i * 100 + 9, 2000 + i), firstAndLast[1]));
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** N threads × M increments of one counter, spread round-robin over {@code stores}: the total must be N·M. */
    private void runIncrements(List<MemoryStateStore> stores) throws Exception {
        int n = threads();
        int m = incrementsPerThread();
        long first = store.save("shared-counter", counter(0), 0);
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            List<Callable<Void>> tasks = new ArrayList<>();
            for (int t = 0; t < n; t++) {
                MemoryStateStore target = stores.get(t % stores.size());
                tasks.add(() -> {
                    for (int i = 0; i < m; i++) {
                        PATIENT.update(target, "shared-counter", current -> counter(valueOf(current) + 1));
                    }
                    return null;
                });
            }
            for (Future<Void> f : pool.invokeAll(tasks)) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        StoredState last = store.load("shared-counter").orElseThrow();
        assertThat(valueOf(Optional.of(last.bytes()))).isEqualTo(n * m);
        assertThat(last.version()).isEqualTo(first + n * m);
    }

    // ---- the log ----

    @Test
    void appendsGetConsecutivePositionsOfOneGenerationAndReadBackInOrder() {
        assertThat(store.readLog("log-a", 0, 0)).isEqualTo(MemoryLog.ABSENT);
        List<LogPosition> positions = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            positions.add(store.append("log-a", randomBytes(i, 50 + i)));
        }
        long generation = positions.get(0).generation();
        assertThat(generation).isPositive();
        assertThat(positions).extracting(LogPosition::generation).containsOnly(generation);
        assertThat(positions).extracting(LogPosition::position).containsExactly(1L, 2L, 3L, 4L, 5L);

        MemoryLog all = store.readLog("log-a", 0, 0);
        assertThat(all.generation()).isEqualTo(generation);
        assertThat(all.snapshot()).isNull();
        assertThat(all.records()).extracting(MemoryLog.Record::position).containsExactly(1L, 2L, 3L, 4L, 5L);
        for (int i = 0; i < 5; i++) {
            assertThat(all.records().get(i).bytes()).isEqualTo(randomBytes(i, 50 + i));
        }
        assertThat(store.readLog("log-a", generation, 3).records()).extracting(MemoryLog.Record::position)
                .containsExactly(4L, 5L);
        assertThat(store.readLog("log-a", generation, 5).records()).isEmpty();
        assertThat(store.readLog("log-a", generation + 1, 5).records()).as("another generation reads everything")
                .hasSize(5);
        assertThat(store.readLog("log-b", 0, 0).exists()).isFalse();
        assertThat(store.ids()).contains("log-a");
    }

    @Test
    void aSnapshotReplacesTheRecordsItCoversForNewReadersOnly() {
        LogPosition last = null;
        for (int i = 1; i <= 6; i++) {
            last = store.append("snap", bytes("record " + i));
        }
        long generation = last.generation();
        store.saveSnapshot("snap", generation, 4, bytes("state after 4"));

        MemoryLog fresh = store.readLog("snap", 0, 0);
        assertThat(fresh.snapshot().position()).isEqualTo(4);
        assertThat(fresh.snapshot().bytes()).isEqualTo(bytes("state after 4"));
        assertThat(fresh.records()).extracting(MemoryLog.Record::position).containsExactly(5L, 6L);
        assertThat(store.readLog("snap", generation, 2).snapshot()).as("records 3-4 are gone: take the snapshot")
                .isNotNull();
        MemoryLog current = store.readLog("snap", generation, 5);
        assertThat(current.snapshot()).isNull();
        assertThat(current.records()).extracting(MemoryLog.Record::position).containsExactly(6L);

        store.saveSnapshot("snap", generation, 3, bytes("older"));       // not newer: ignored
        store.saveSnapshot("snap", generation, 9, bytes("future"));      // beyond the last record: ignored
        store.saveSnapshot("snap", generation + 1, 6, bytes("foreign")); // another generation: ignored
        assertThat(store.readLog("snap", 0, 0).snapshot().bytes()).isEqualTo(bytes("state after 4"));
        assertThat(store.append("snap", bytes("record 7")).position()).isEqualTo(7);
    }

    @Test
    void deleteRemovesTheLogAndARecreatedLogIsANewGeneration() {
        long old = store.append("gone", bytes("a")).generation();
        store.append("gone", bytes("b"));
        store.saveSnapshot("gone", old, 1, bytes("s"));
        store.append("kept", bytes("k"));

        assertThat(store.delete("gone")).isTrue();
        assertThat(store.readLog("gone", old, 2)).isEqualTo(MemoryLog.ABSENT);
        assertThat(store.ids()).doesNotContain("gone").contains("kept");
        store.saveSnapshot("gone", old, 2, bytes("late")); // a writer that missed the delete resurrects nothing
        assertThat(store.readLog("gone", 0, 0).exists()).isFalse();

        LogPosition again = store.append("gone", bytes("c"));
        assertThat(again.generation()).isNotEqualTo(old);
        assertThat(again.position()).isEqualTo(1);
        MemoryLog read = store.readLog("gone", old, 2); // a reader from before the delete sees the new history
        assertThat(read.generation()).isEqualTo(again.generation());
        assertThat(read.records()).extracting(r -> new String(r.bytes(), StandardCharsets.UTF_8)).containsExactly("c");
        assertThat(store.readLog("kept", 0, 0).records()).hasSize(1);
    }

    @Test
    void concurrentAppendersOnTwoStoreInstancesLoseNothingAndLeaveNoGap() throws Exception {
        MemoryStateStore other = sameStorageStore();
        int n = threads();
        int m = incrementsPerThread();
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            List<Future<List<Long>>> futures = new ArrayList<>();
            for (int t = 0; t < n; t++) {
                MemoryStateStore s = t % 2 == 0 ? store : other;
                int thread = t;
                futures.add(pool.submit(() -> {
                    List<Long> mine = new ArrayList<>();
                    for (int i = 0; i < m; i++) {
                        mine.add(s.append("appended", bytes(thread + ":" + i)).position());
                    }
                    return mine;
                }));
            }
            List<Long> all = new ArrayList<>();
            for (Future<List<Long>> f : futures) {
                all.addAll(f.get(60, TimeUnit.SECONDS));
            }
            assertThat(all).doesNotHaveDuplicates().hasSize(n * m);
            MemoryLog log = store.readLog("appended", 0, 0);
            assertThat(log.records()).hasSize(n * m);
            Map<String, Long> positionOf = new HashMap<>();
            for (MemoryLog.Record r : log.records()) {
                positionOf.put(new String(r.bytes(), StandardCharsets.UTF_8), r.position());
            }
            for (int t = 0; t < n; t++) {
                for (int i = 1; i < m; i++) {
                    assertThat(positionOf.get(t + ":" + i)).as("one writer's records keep their order")
                            .isGreaterThan(positionOf.get(t + ":" + (i - 1)));
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    static byte[] counter(long value) {
        return ByteBuffer.allocate(Long.BYTES).putLong(value).array();
    }

    static long valueOf(Optional<byte[]> state) {
        return state.map(b -> ByteBuffer.wrap(b).getLong()).orElse(0L);
    }

    static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    static byte[] randomBytes(long seed, int length) {
        byte[] b = new byte[length];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
