package dev.titans4j.titans.store;

/**
 * Where an appended record landed in a memory id's log.
 *
 * @param generation identifies this incarnation of the log: random and positive when the log is created, new again
 *                   after a {@link MemoryStateStore#delete delete}, so a reader holding positions of a deleted log
 *                   notices instead of mixing two histories
 * @param position   1, 2, 3, ... in append order within the generation; gapless
 */
public record LogPosition(long generation, long position) {

    public LogPosition {
        if (generation < 1 || position < 1) {
            throw new IllegalArgumentException("a log position has a positive generation and position, got "
                    + generation + "/" + position);
        }
    }
}
