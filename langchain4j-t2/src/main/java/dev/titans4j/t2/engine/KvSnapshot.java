package dev.titans4j.t2.engine;

/**
 * An immutable copy of the first positions of a {@link KvCache}: the token ids and, per layer, the keys and values
 * of those positions only ({@code [kvHeads, positions, headDim]}, not the whole context). Immutable, so any number of
 * requests may copy from one snapshot at once, and a snapshot dropped from the {@link PrefixCache} while a request
 * still copies from it stays valid (the garbage collector frees it afterwards).
 */
final class KvSnapshot {

    private final int[] tokens;
    private final byte[][] keys;
    private final byte[][] values;

    private KvSnapshot(int[] tokens, byte[][] keys, byte[][] values) {
        this.tokens = tokens;
        this.keys = keys;
        this.values = values;
    }

    /** Copies every written position of {@code cache}. */
    static KvSnapshot of(KvCache cache) {
        int positions = cache.length();
        int layers = cache.layers();
        byte[][] keys = new byte[layers][];
        byte[][] values = new byte[layers][];
        int bytes = Math.multiplyExact(positions, cache.positionBytes());
        for (int layer = 0; layer < layers; layer++) {
            keys[layer] = new byte[bytes];
            values[layer] = new byte[bytes];
            cache.copyOut(layer, true, positions, keys[layer]);
            cache.copyOut(layer, false, positions, values[layer]);
        }
        return new KvSnapshot(cache.tokens(), keys, values);
    }

    /** Bytes a snapshot of {@code positions} positions of {@code cache} takes (keys, values and token ids). */
    static long bytes(KvCache cache, int positions) {
        return 2L * cache.layers() * positions * cache.positionBytes() + (long) Integer.BYTES * positions;
    }

    long bytes() {
        long kv = 0;
        for (int layer = 0; layer < keys.length; layer++) {
            kv += keys[layer].length + values[layer].length;
        }
        return kv + (long) Integer.BYTES * tokens.length;
    }

    int length() {
        return tokens.length;
    }

    /** How many leading ids of {@code ids} (at most {@code limit}) this snapshot holds at the same positions. */
    int commonPrefix(int[] ids, int limit) {
        int n = Math.min(limit, Math.min(ids.length, tokens.length));
        int i = 0;
        while (i < n && tokens[i] == ids[i]) {
            i++;
        }
        return i;
    }

    /** Whether {@code ids} are a prefix of (or equal to) this snapshot's tokens. */
    boolean startsWith(int[] ids) {
        return ids.length <= tokens.length && commonPrefix(ids, ids.length) == ids.length;
    }

    /** Whether {@code prefix}'s tokens are a prefix of (or equal to) this snapshot's. */
    boolean startsWith(KvSnapshot prefix) {
        return startsWith(prefix.tokens);
    }

    /** A copy of the token ids. */
    int[] tokens() {
        return tokens.clone();
    }

    /** Writes the first {@code positions} positions into the empty {@code cache}, which then holds them. */
    void restoreInto(KvCache cache, int positions) {
        if (positions > tokens.length) {
            throw new IllegalArgumentException("The snapshot holds " + tokens.length + " positions, not " + positions);
        }
        for (int layer = 0; layer < keys.length; layer++) {
            cache.copyIn(layer, true, keys[layer], tokens.length, positions);
            cache.copyIn(layer, false, values[layer], tokens.length, positions);
        }
        int[] ids = new int[positions];
        System.arraycopy(tokens, 0, ids, 0, positions);
        cache.restored(ids);
    }
}
