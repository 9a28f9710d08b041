package dev.titans4j.titans.chat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The bounded archive of segments that recall can return, in write order.
 *
 * <h2>Retention policy</h2>
 * At most {@code capacity} segments. When a new segment would exceed it, the one with the lowest surprise (the
 * gradient norm of its write: how little the neural memory expected it) is dropped; at equal surprise the oldest.
 * Repetitions and small talk, which the memory has learned to predict, go first.
 */
final class SegmentArchive {

    private final int capacity;
    private final Map<Long, MemoryEntry> entries = new LinkedHashMap<>();

    SegmentArchive(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("archive capacity must be >= 1, got " + capacity);
        }
        this.capacity = capacity;
    }

    /** Adds a segment; returns the one dropped to stay within capacity, or null. */
    MemoryEntry add(MemoryEntry entry) {
        entries.put(entry.id(), entry);
        if (entries.size() <= capacity) {
            return null;
        }
        MemoryEntry weakest = null;
        for (MemoryEntry e : entries.values()) {
            if (weakest == null || e.surprise() < weakest.surprise()) {
                weakest = e;
            }
        }
        entries.remove(weakest.id());
        return weakest;
    }

    MemoryEntry get(long id) {
        return entries.get(id);
    }

    int size() {
        return entries.size();
    }

    /** The entries in write order (a copy). */
    List<MemoryEntry> snapshot() {
        return new ArrayList<>(entries.values());
    }
}
