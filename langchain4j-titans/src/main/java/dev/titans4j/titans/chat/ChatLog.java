package dev.titans4j.titans.chat;

import dev.titans4j.titans.format.CorruptStateException;
import dev.titans4j.titans.store.LogPosition;
import dev.titans4j.titans.store.MemoryLog;
import dev.titans4j.titans.store.MemoryStateStore;
import dev.titans4j.titans.store.MemoryStateStoreException;
import dev.titans4j.titans.store.StoredState;

import java.util.Optional;

/**
 * Keeps one chat memory's in-process state in step with its store's log. A change is one appended record; the
 * state is the replay of the log (from the latest snapshot), so instances in other processes that share the store
 * converge on the same state and never lose each other's changes, without locks or retries: appends do not
 * conflict. Every {@code snapshotEvery}-th record, the instance that appended it also saves a snapshot, which lets
 * the store drop the records before it. Not thread-safe (the facade locks).
 */
final class ChatLog {

    /** How a log is turned into state: fresh states, snapshot and record decoding, the legacy import. */
    interface Codec {
        ChatState fresh();

        ChatState snapshot(byte[] bytes, String what);

        byte[] encode(ChatRecord record);

        ChatRecord decode(byte[] bytes, String what);

        /** The import record for a state blob of an older version, or empty when {@code bytes} is not one. */
        Optional<ChatRecord> legacy(byte[] bytes);

        byte[] snapshotBytes(ChatState state);
    }

    private final MemoryStateStore store;
    private final String id;
    private final Codec codec;
    private final int snapshotEvery;
    /** A periodic snapshot failed; the next append saves one. */
    private boolean snapshotOwed;
    private ChatState state;
    private boolean legacyChecked;

    ChatLog(MemoryStateStore store, String id, Codec codec, int snapshotEvery) {
        this.store = store;
        this.id = id;
        this.codec = codec;
        this.snapshotEvery = snapshotEvery;
    }

    /** The state after every record the store holds now. */
    ChatState current() {
        refresh();
        return state;
    }

    /** The state as last synchronised (loads it once); for figures that do not depend on other writers. */
    ChatState local() {
        if (state == null) {
            refresh();
        }
        return state;
    }

    /** Appends a change, applies it (and whatever others appended before it) and returns the new state. */
    ChatState append(ChatRecord record) {
        local(); // before an instance's first record: a state saved whole by an older version is imported first
        LogPosition at = store.append(id, codec.encode(record));
        try {
            if (state != null && at.generation() == state.generation && at.position() == state.position + 1) {
                state.apply(record); // nobody else wrote in between: no need to read our own record back
                state.position = at.position();
            } else {
                refresh();
                if (state.generation != at.generation() || state.position < at.position()) {
                    throw new CorruptStateException("the log of memory id '" + id + "' does not hold the record "
                            + "just appended at " + at + " (it was deleted meanwhile?)");
                }
            }
        } catch (RuntimeException | Error e) {
            state = null; // never keep a half-applied change; the next call replays from the store
            throw e;
        }
        if (at.position() % snapshotEvery == 0 || snapshotOwed) {
            try {
                snapshot();
                snapshotOwed = false;
            } catch (MemoryStateStoreException e) {
                // the record is stored: failing the add would make a caller retry it and store it twice. The next
                // append tries the snapshot again, and a store that cannot write fails that append itself
                snapshotOwed = true;
            }
        }
        return state;
    }

    /** Saves a snapshot of the current state, letting the store drop the records it covers. */
    void snapshot() {
        ChatState s = local();
        if (s.generation != 0 && s.position > 0) {
            store.saveSnapshot(id, s.generation, s.position, codec.snapshotBytes(s));
        }
    }

    /** Removes every record and snapshot of the id (and nothing of other ids). */
    void delete() {
        store.delete(id);
        state = codec.fresh();
        legacyChecked = true;
    }

    private void refresh() {
        long generation = state == null ? 0 : state.generation;
        long position = state == null ? 0 : state.position;
        MemoryLog log = store.readLog(id, generation, position);
        try {
            if (!log.exists()) {
                state = codec.fresh();
                importLegacyOnce();
                return;
            }
            if (log.snapshot() != null) {
                state = codec.snapshot(log.snapshot().bytes(), "snapshot of memory id '" + id + "'");
                if (state.generation != log.generation() || state.position != log.snapshot().position()) {
                    throw new CorruptStateException("snapshot of memory id '" + id + "' is for position "
                            + state.generation + "/" + state.position + " but the store filed it at "
                            + log.generation() + "/" + log.snapshot().position());
                }
            } else if (state == null || log.generation() != state.generation) {
                state = codec.fresh(); // a new history: replay from its first record
                state.generation = log.generation();
            }
            for (MemoryLog.Record r : log.records()) {
                if (r.position() != state.position + 1) {
                    throw new CorruptStateException("log of memory id '" + id + "' skips from position "
                            + state.position + " to " + r.position());
                }
                state.apply(codec.decode(r.bytes(), "log record " + r.position() + " of memory id '" + id + "'"));
                state.position = r.position();
            }
        } catch (RuntimeException | Error e) {
            state = null;
            throw e;
        }
    }

    /**
     * A state saved whole by an older version becomes the first record of a new log (once per instance). On a store
     * that may keep its log in the id's blob (any but the built-in ones), anything else stored there while the store
     * reports no log is damage (a log whose header is damaged is not recognised as one): it fails here, every time,
     * because the next append would replace it with a new log. The built-in stores keep their logs apart, so there
     * it is another kind of data under the same id and is left alone.
     */
    private void importLegacyOnce() {
        if (legacyChecked) {
            return;
        }
        Optional<byte[]> stored = store.load(id).map(StoredState::bytes);
        Optional<ChatRecord> imported = stored.flatMap(codec::legacy);
        if (stored.isPresent() && imported.isEmpty() && !store.keepsLogsApart()) {
            throw new CorruptStateException("memory id '" + id + "' holds " + stored.get().length + " bytes that "
                    + "are neither its log nor a chat state of an older version (damaged?); it is left as it is");
        }
        legacyChecked = true;
        if (imported.isPresent()) {
            append(imported.get());
        }
    }
}
