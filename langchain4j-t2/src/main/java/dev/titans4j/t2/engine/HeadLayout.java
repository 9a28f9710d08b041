package dev.titans4j.t2.engine;

import java.nio.ByteBuffer;

/**
 * How one sequence's keys (or values) of one layer lie in memory: {@code [kvHeads, capacity, headDim]}, the heads one
 * after another, each holding {@code capacity} positions of which only the first few are in use. A {@link KvCache}
 * and each row of a {@link KvSlotPool} are laid out so; a {@link KvSnapshot} packs the used positions
 * ({@code capacity} equal to its length). Copies therefore go head by head and move only the used positions.
 */
final class HeadLayout {

    private final int kvHeads;
    private final int capacity;
    /** Bytes of one position of one head ({@code headDim} elements). */
    private final int headPositionBytes;

    HeadLayout(int kvHeads, int capacity, int headDim, int elementBytes) {
        this.kvHeads = kvHeads;
        this.capacity = capacity;
        this.headPositionBytes = headDim * elementBytes;
    }

    /** Bytes of one layer's keys (or values) of one sequence, every head at full capacity. */
    long bytes() {
        return (long) kvHeads * capacity * headPositionBytes;
    }

    /** Bytes one position takes over all heads. */
    int positionBytes() {
        return kvHeads * headPositionBytes;
    }

    /** Copies the first {@code positions} positions of {@code source} into the packed {@code target}. */
    void pack(ByteBuffer source, int positions, byte[] target) {
        copy(source, 0, capacity, ByteBuffer.wrap(target), 0, positions, positions);
    }

    /**
     * Writes the first {@code positions} positions of each head of {@code source}, packed for {@code sourcePositions}
     * positions, into {@code target}.
     */
    void unpack(byte[] source, int sourcePositions, ByteBuffer target, int positions) {
        copy(ByteBuffer.wrap(source), 0, sourcePositions, target, 0, capacity, positions);
    }

    /** Copies the first {@code positions} positions between two sequences laid out like this one. */
    void copy(ByteBuffer source, int sourceBase, ByteBuffer target, int targetBase, int positions) {
        copy(source, sourceBase, capacity, target, targetBase, capacity, positions);
    }

    /** Heads lie {@code sourceCapacity} (or {@code targetCapacity}) positions apart from each side's base. */
    private void copy(ByteBuffer source, int sourceBase, int sourceCapacity, ByteBuffer target, int targetBase,
                      int targetCapacity, int positions) {
        int run = positions * headPositionBytes;
        for (int head = 0; head < kvHeads; head++) {
            target.put(targetBase + head * targetCapacity * headPositionBytes, source,
                    sourceBase + head * sourceCapacity * headPositionBytes, run);
        }
    }
}
