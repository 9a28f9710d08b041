package dev.titans4j.titans.chat;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The bounded archive of segment texts that recall can return, with provenance.
 *
 * <h2>Retention policy</h2>
 * At most {@code capacity} segments. When a new segment would exceed it, the segment with the lowest retention
 * {@code surprise · (1 − α)^age} is dropped, where surprise is the gradient norm of its neural write (how much it
 * taught the memory), α the memory's forgetting rate and age the number of writes since it was written: the same
 * decay the neural memory applies to what it learned, so segments the memory has already largely forgotten, or that
 * taught it little (repetitions), go first. Insertion order alone never decides, but at equal surprise the oldest goes.
 */
final class SegmentArchive {

    private final int capacity;
    /** log(1 − α) per write of age; 0 without forgetting. */
    private final double logKeep;
    private final Map<Long, ArchivedSegment> segments = new LinkedHashMap<>();

    SegmentArchive(int capacity, double alpha) {
        if (capacity < 1) {
            throw new IllegalArgumentException("archive capacity must be >= 1, got " + capacity);
        }
        this.capacity = capacity;
        this.logKeep = alpha > 0 && alpha < 1 ? Math.log1p(-alpha) : 0;
    }

    /** Adds a segment; returns the one dropped to stay within capacity, or null. */
    ArchivedSegment add(ArchivedSegment segment, long currentPosition) {
        segments.put(segment.position(), segment);
        if (segments.size() <= capacity) {
            return null;
        }
        ArchivedSegment weakest = null;
        double weakestRetention = Double.POSITIVE_INFINITY;
        for (ArchivedSegment s : segments.values()) {
            double r = retention(s, currentPosition);
            if (r < weakestRetention) {
                weakestRetention = r;
                weakest = s;
            }
        }
        segments.remove(weakest.position());
        return weakest;
    }

    /** log of {@code surprise · (1 − α)^age}, so long ages do not underflow to a tie at 0. */
    double retention(ArchivedSegment s, long currentPosition) {
        long age = currentPosition - s.position();
        double decay = age * logKeep;
        return Math.log(Math.max(s.surprise(), 1e-300)) + decay;
    }

    Collection<ArchivedSegment> all() {
        return segments.values();
    }

    ArchivedSegment get(long position) {
        return segments.get(position);
    }

    int size() {
        return segments.size();
    }

    List<ArchivedSegment> snapshot() {
        return new ArrayList<>(segments.values());
    }
}
