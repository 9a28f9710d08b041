package dev.titans4j.titans.store;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Picks the version of a newly created state. It is random rather than 1 so that versions of an id never repeat
 * across delete and re-create: a writer still holding a version from before a delete must get a conflict, not
 * overwrite the new state because its old version happens to match again.
 */
final class FirstVersions {

    /** Below 2^62, so that adding one per save cannot overflow in any realistic lifetime. */
    private static final long BOUND = 1L << 62;

    private FirstVersions() {
    }

    /** A fresh random positive version; two creations of one id collide with probability about 2^-62. */
    static long next() {
        return ThreadLocalRandom.current().nextLong(1, BOUND);
    }
}
