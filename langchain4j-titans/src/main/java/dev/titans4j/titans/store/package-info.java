/**
 * Durable memory state: the {@link dev.titans4j.titans.store.MemoryStateStore} SPI stores one opaque, versioned
 * byte blob per memory id, with three implementations:
 * {@link dev.titans4j.titans.store.InMemoryMemoryStateStore} (tests, throw-away memories),
 * {@link dev.titans4j.titans.store.FileMemoryStateStore} (the embedded default, crash-safe files) and
 * {@link dev.titans4j.titans.store.JdbcMemoryStateStore} (PostgreSQL, for several application instances).
 *
 * <h2>Thread safety and concurrency guarantees</h2>
 * <ul>
 *   <li>Every store is thread-safe: one instance may be shared by all threads, for any ids.</li>
 *   <li>Saves are optimistic: each names the version it was based on and fails with
 *       {@link dev.titans4j.titans.store.StateConflictException} (writing nothing) when another writer saved
 *       first. An update is therefore never lost silently; {@link dev.titans4j.titans.store.VersionedUpdater}
 *       (or {@code MemoryStateStore.update}) retries load-change-save for callers.</li>
 *   <li>Across store instances and processes: the in-memory store shares nothing. The file store keeps the
 *       version check correct for any number of instances in one JVM and processes on one machine using the same
 *       directory (per-id lock stripes with OS file locks; file systems without working {@code fcntl} locks,
 *       such as some NFS setups, are not supported). The JDBC store is correct for any number of instances and
 *       machines using the same table (single-statement conditional {@code UPDATE}/{@code INSERT}).</li>
 *   <li>Readers never see a partial state: file saves are write-temp, fsync, atomic rename, fsync directory; a
 *       process killed mid-save leaves the previous complete state. Damaged files are reported as
 *       {@link dev.titans4j.titans.format.CorruptStateException}.</li>
 *   <li>Deleting is unconditional and does not check versions; a writer still holding a version of a deleted id
 *       gets a conflict when it saves, even after the id was re-created (a new state starts at a random
 *       version, so versions never repeat).</li>
 * </ul>
 */
package dev.titans4j.titans.store;

