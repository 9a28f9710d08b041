package dev.titans4j.titans.store;

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
}
