package dev.titans4j.t2.engine;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The KV of recent sequences, so a request whose prompt starts like an earlier sequence (the next turn of a chat,
 * the next round of a tool loop, another request with the same system prompt and tools) prefills only the rest.
 *
 * <p>Entries are immutable {@link KvSnapshot}s. A request copies the longest matching prefix out of an entry into
 * its own {@link KvCache} before it runs, and copies its whole sequence into a new entry after it ends; a request
 * never runs on shared memory, so concurrent requests cannot see each other's state, and an entry evicted while a
 * request copies from it stays valid. The copies cost a memory copy per position (tens of milliseconds for
 * thousands of positions), far less than running the model over them.
 *
 * <p>An entry is only used by requests with the same {@link Key}: the same graph (plain companion or SVF graph) and
 * exactly the same Transformer² multipliers, since the keys and values depend on the weights; for a graph whose
 * RoPE table changes past a length ({@code kvCache.recomputeBeyond}, Phi-3 longrope), also the same side of that
 * length (see {@link DecoderSession#reusePrefix}).
 *
 * <p>Bounded by bytes (keys, values and ids of every entry); the least recently used entries go first. A new entry
 * replaces the entries of its key that it extends (the previous turn of the same chat). Thread-safe.
 */
final class PrefixCache {

    private final long budgetBytes;
    /** Least recently used first. */
    private final List<Entry> entries = new ArrayList<>();
    private long bytes;
    /** Set when the model closes: a request still ending then must not fill the cache again. */
    private boolean closed;

    private record Entry(Key key, KvSnapshot snapshot) {
    }

    /** A prefix found for a prompt: restore {@code length} positions of {@code snapshot}. */
    record Match(KvSnapshot snapshot, int length) {
    }

    PrefixCache(long budgetBytes) {
        if (budgetBytes <= 0) {
            throw new IllegalArgumentException("The prefix cache needs a positive byte budget, got " + budgetBytes);
        }
        this.budgetBytes = budgetBytes;
    }

    /**
     * The entry of {@code key} sharing the longest prefix with {@code prompt}, at most {@code limit} positions; null
     * when none shares a token. The entry becomes the most recently used.
     */
    synchronized Match longestPrefix(Key key, int[] prompt, int limit) {
        Entry best = null;
        int bestLength = 0;
        for (Entry e : entries) {
            if (e.key.equals(key)) {
                int length = e.snapshot.commonPrefix(prompt, limit);
                if (length > bestLength) {
                    best = e;
                    bestLength = length;
                }
            }
        }
        if (best == null) {
            return null;
        }
        touch(best);
        return new Match(best.snapshot, bestLength);
    }

    /**
     * Keeps the sequence in {@code cache} under {@code key}: copies it into a new entry (outside the lock), unless an
     * entry already holds it or it alone exceeds the budget, and evicts least recently used entries to fit.
     */
    void keep(Key key, KvCache cache) {
        int[] tokens = cache.tokens();
        if (tokens.length == 0 || KvSnapshot.bytes(cache, tokens.length) > budgetBytes || holds(key, tokens)) {
            return;
        }
        KvSnapshot snapshot;
        try {
            snapshot = KvSnapshot.of(cache);
        } catch (OutOfMemoryError e) {
            return; // a copy the heap cannot hold is not kept; the request that made it has its answer already
        }
        synchronized (this) {
            if (closed) {
                return;
            }
            for (Iterator<Entry> it = entries.iterator(); it.hasNext(); ) {
                Entry e = it.next();
                if (e.key.equals(key) && snapshot.startsWith(e.snapshot)) {
                    it.remove(); // the new entry extends it: everything it could match, the new one matches
                    bytes -= e.snapshot.bytes();
                }
            }
            entries.add(new Entry(key, snapshot));
            bytes += snapshot.bytes();
            while (bytes > budgetBytes) {
                bytes -= entries.remove(0).snapshot.bytes();
            }
        }
    }

    /** Whether an entry of {@code key} already starts with {@code tokens} (it then becomes the most recent). */
    synchronized boolean holds(Key key, int[] tokens) {
        for (Entry e : entries) {
            if (e.key.equals(key) && e.snapshot.startsWith(tokens)) {
                touch(e);
                return true;
            }
        }
        return false;
    }

    private void touch(Entry e) {
        entries.remove(e);
        entries.add(e);
    }

    synchronized int entryCount() {
        return entries.size();
    }

    synchronized long bytes() {
        return bytes;
    }

    long budgetBytes() {
        return budgetBytes;
    }

    /** The token sequences held, least recently used first (for tests). */
    synchronized List<int[]> sequences() {
        return entries.stream().map(e -> e.snapshot.tokens()).toList();
    }

    synchronized void clear() {
        entries.clear();
        bytes = 0;
    }

    /** Empties the cache for good (the model closed); later {@link #keep} calls keep nothing. */
    synchronized void close() {
        closed = true;
        clear();
    }

    /**
     * What the keys and values of a sequence depend on besides its tokens: the graph and the Transformer²
     * multipliers it ran with. Multipliers of all ones are the identity the graph gets for inputs left out, so they
     * are left out here too; every other value must match bit for bit.
     */
    static final class Key {

        private final GraphSession graph;
        private final TreeMap<String, float[]> multipliers = new TreeMap<>();
        /** Whether the keys were rotated with the table a graph switches to past a length (Phi-3's long one). */
        private final boolean switchedRope;

        Key(GraphSession graph, Map<String, float[]> multipliers) {
            this.graph = Objects.requireNonNull(graph, "graph");
            multipliers.forEach((input, values) -> {
                if (!allOnes(values)) {
                    this.multipliers.put(input, values.clone());
                }
            });
            this.switchedRope = false;
        }

        private Key(Key base) {
            this.graph = base.graph;
            this.multipliers.putAll(base.multipliers);
            this.switchedRope = true;
        }

        /**
         * This key for sequences longer than {@code kvCache.recomputeBeyond}: their keys were rotated with the
         * other RoPE table, so they must never be restored into a sequence that a fresh run rotates with the first.
         */
        Key afterRopeSwitch() {
            return new Key(this);
        }

        /** The multipliers other than the identity, input name to values (a copy). */
        Map<String, float[]> multipliers() {
            Map<String, float[]> copy = new TreeMap<>();
            multipliers.forEach((input, values) -> copy.put(input, values.clone()));
            return copy;
        }

        private static boolean allOnes(float[] values) {
            for (float v : values) {
                if (v != 1f) {
                    return false;
                }
            }
            return true;
        }

        @Override
        public boolean equals(Object o) {
            if (!(o instanceof Key other) || graph != other.graph || switchedRope != other.switchedRope
                    || !multipliers.keySet().equals(other.multipliers.keySet())) {
                return false;
            }
            for (Map.Entry<String, float[]> e : multipliers.entrySet()) {
                if (!Arrays.equals(e.getValue(), other.multipliers.get(e.getKey()))) {
                    return false;
                }
            }
            return true;
        }

        @Override
        public int hashCode() {
            int h = System.identityHashCode(graph) * 2 + (switchedRope ? 1 : 0);
            for (Map.Entry<String, float[]> e : multipliers.entrySet()) {
                h = 31 * h + e.getKey().hashCode() * 17 + Arrays.hashCode(e.getValue());
            }
            return h;
        }
    }
}
