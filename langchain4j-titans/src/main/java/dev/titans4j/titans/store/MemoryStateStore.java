package dev.titans4j.titans.store;

import dev.titans4j.titans.format.CorruptStateException;

import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Durable storage of memory state: one opaque, versioned byte blob per memory id. The store never looks inside the
 * bytes; the neural memory and the chat memory serialise and validate their own content.
 *
 * <h2>Versions and optimistic concurrency</h2>
 * Every id that exists has a positive version. Versions are opaque: creating a state gives it a fresh random
 * positive version and every later successful {@link #save save} adds one. A save names the version its change was based on ({@code expectedVersion}: the
 * version last {@link #load loaded}, or 0 to create) and succeeds only when the stored version still equals it;
 * otherwise it throws {@link StateConflictException} and writes nothing. So two writers that both loaded version 4
 * can never both save: one gets version 5, the other a conflict, and no update is lost silently.
 * {@link #update update} wraps load, change, save and retry on conflict. After {@link #delete delete} the id is
 * absent again; a re-created state starts at a new random version, so versions of an id never repeat (up to a
 * chance of about 2<sup>-62</sup>) and a writer still holding a version from before the delete always gets a
 * conflict instead of overwriting the new state.
 *
 * <h2>Thread safety</h2>
 * Implementations are thread-safe: any number of threads may use one store instance for any mix of ids. Operations
 * on different ids do not block each other beyond shared resources (lock stripes, connections). What holds across
 * store instances and processes depends on the implementation: {@link InMemoryMemoryStateStore} is one process,
 * one instance; {@link FileMemoryStateStore} keeps the version check correct for any number of instances and
 * processes on the same directory of a local file system; {@link JdbcMemoryStateStore} for any number of
 * instances on the same database table.
 *
 * <h2>Memory ids</h2>
 * Ids follow {@link MemoryIds#requireValid}: any non-blank string without control characters, at most
 * {@value MemoryIds#MAX_UTF8_BYTES} UTF-8 bytes. Invalid ids give an {@link IllegalArgumentException}.
 *
 * <h2>Errors</h2>
 * Storage failures are {@link MemoryStateStoreException}s (unchecked); bytes that fail their integrity check are a
 * {@link CorruptStateException} naming the file or row, never silently wrong state.
 */
public interface MemoryStateStore {

    /**
     * The current state of {@code memoryId}, or empty when it was never saved or has been deleted.
     * The returned bytes are a fresh copy owned by the caller.
     *
     * @throws CorruptStateException when the stored bytes fail their integrity check
     */
    Optional<StoredState> load(String memoryId);

    /**
     * Saves {@code state} as the new state of {@code memoryId} if its stored version is still
     * {@code expectedVersion}. The store copies {@code state}; the caller may reuse the array afterwards.
     *
     * @param expectedVersion the version last loaded, or 0 to create a state that must not exist yet
     * @return the new version: {@code expectedVersion + 1}, or a fresh random positive version when creating
     * @throws StateConflictException   when the stored version differs (someone else saved, created or deleted it
     *                                  in between); nothing was written
     * @throws IllegalArgumentException for an invalid id or a negative expected version
     */
    long save(String memoryId, byte[] state, long expectedVersion);

    /**
     * Removes the state of {@code memoryId} (and every file or row that belongs to it) and nothing of any other id.
     * Deleting is unconditional: it does not check a version.
     *
     * @return whether there was a state to remove
     */
    boolean delete(String memoryId);

    /** A snapshot of the ids that currently have a state, in no particular order. */
    Set<String> ids();

    /**
     * Loads the state of {@code memoryId}, applies {@code change} and saves the result, retrying on
     * {@link StateConflictException} with {@link VersionedUpdater#withDefaults() the default policy}. See
     * {@link VersionedUpdater#update} for the contract of {@code change}.
     *
     * @return the state as saved
     */
    default StoredState update(String memoryId, Function<Optional<byte[]>, byte[]> change) {
        return VersionedUpdater.withDefaults().update(this, memoryId, change);
    }

    // ---- the append-only log (used by TitansChatMemory): records, snapshots, compaction ----

    /**
     * Whether the log methods keep each log apart from the id's state blob ({@link #load}/{@link #save}), as the
     * built-in stores do. False (the default) for a store on the default log methods, which keep the log inside
     * that blob: a chat memory then refuses a blob that is neither a log nor an older chat state as damage, rather
     * than replacing it with a new log. A store that passes its log methods to another store returns what that
     * store returns.
     */
    default boolean keepsLogsApart() {
        return false;
    }

    /**
     * Appends {@code record} to the log of {@code memoryId}, creating the log (with a new generation) when there is
     * none. The record is durable when this returns. Appends never conflict: concurrent writers get consecutive
     * positions in the order the store serialises them.
     *
     * <p>The default keeps the whole log inside this id's state blob (read-modify-write with {@link #update}); the
     * built-in stores override it with real appends, whose cost does not grow with the log.
     */
    default LogPosition append(String memoryId, byte[] record) {
        java.util.Objects.requireNonNull(record, "record");
        LogPosition[] appended = new LogPosition[1];
        update(memoryId, current -> {
            LogContent log = current.filter(LogContent::isLog)
                    .map(bytes -> LogContent.fromBytes(bytes, "log of memory id '" + memoryId + "'"))
                    .orElseGet(LogContent::create);
            appended[0] = log.append(record);
            return log.toBytes();
        });
        return appended[0];
    }

    /**
     * The log of {@code memoryId} as a reader at {@code position} of {@code generation} needs it: when the
     * generation is the log's and the records after {@code position} are all still there, just those records;
     * otherwise (another generation, 0 for a reader with nothing, or records compacted into a snapshot since) the
     * latest snapshot, if any, and every record after it. {@link MemoryLog#ABSENT} when there is no log.
     */
    default MemoryLog readLog(String memoryId, long generation, long position) {
        return load(memoryId).map(StoredState::bytes).filter(LogContent::isLog)
                .map(bytes -> LogContent.fromBytes(bytes, "log of memory id '" + memoryId + "'")
                        .read(generation, position))
                .orElse(MemoryLog.ABSENT);
    }

    /**
     * Stores {@code snapshot} as the state after record {@code position} of {@code generation} and lets the store
     * drop the records it covers. Ignored when the log has another generation (it was deleted meanwhile), when a
     * snapshot at this position or later exists, or when {@code position} is beyond the last record. Snapshots
     * are written atomically: a reader sees the old or the new one.
     */
    default void saveSnapshot(String memoryId, long generation, long position, byte[] snapshot) {
        java.util.Objects.requireNonNull(snapshot, "snapshot");
        try {
            update(memoryId, current -> {
                if (current.isEmpty() || !LogContent.isLog(current.get())) {
                    throw new LogContent.Unchanged(); // deleted meanwhile: never resurrect a log
                }
                LogContent log = LogContent.fromBytes(current.get(), "log of memory id '" + memoryId + "'");
                if (!log.snapshot(generation, position, snapshot)) {
                    throw new LogContent.Unchanged();
                }
                return log.toBytes();
            });
        } catch (LogContent.Unchanged nothingToDo) {
            // as documented: ignored
        }
    }
}
