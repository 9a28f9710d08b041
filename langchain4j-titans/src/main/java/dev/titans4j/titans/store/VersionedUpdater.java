package dev.titans4j.titans.store;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;

/**
 * Read-modify-write of one memory state under optimistic concurrency: load, apply a change, save with the loaded
 * version, and on {@link StateConflictException} start over from a fresh load, up to {@code maxAttempts} times
 * with a short randomised exponential back-off between attempts (so contending writers spread out instead of
 * colliding in lock step). Immutable and thread-safe.
 *
 * <pre>{@code
 * VersionedUpdater updater = VersionedUpdater.builder().maxAttempts(20).build();
 * StoredState saved = updater.update(store, "user-42", current -> append(current.orElse(EMPTY), item));
 * }</pre>
 */
public final class VersionedUpdater {

    public static final int DEFAULT_MAX_ATTEMPTS = 10;
    public static final Duration DEFAULT_INITIAL_BACKOFF = Duration.ofMillis(1);
    public static final Duration DEFAULT_MAX_BACKOFF = Duration.ofMillis(50);

    private static final VersionedUpdater DEFAULTS = builder().build();

    private final int maxAttempts;
    private final long initialBackoffNanos;
    private final long maxBackoffNanos;

    private VersionedUpdater(Builder builder) {
        this.maxAttempts = builder.maxAttempts;
        this.initialBackoffNanos = builder.initialBackoff.toNanos();
        this.maxBackoffNanos = builder.maxBackoff.toNanos();
    }

    /** {@value #DEFAULT_MAX_ATTEMPTS} attempts, back-off from 1 ms doubling up to 50 ms. */
    public static VersionedUpdater withDefaults() {
        return DEFAULTS;
    }

    public static Builder builder() {
        return new Builder();
    }

    public int maxAttempts() {
        return maxAttempts;
    }

    /**
     * Applies {@code change} to the current state of {@code memoryId} and saves the result.
     *
     * @param change receives the current bytes (empty when the id has no state) and returns the new state, never
     *               {@code null}. It may run several times, once per attempt, so it must not have side effects
     *               beyond computing its result. It owns the array it receives and may modify it.
     * @return the state as saved, with its new version
     * @throws StateConflictException when every attempt lost against another writer; its message names the id,
     *                                the number of attempts and the versions of the last conflict
     */
    public StoredState update(MemoryStateStore store, String memoryId, Function<Optional<byte[]>, byte[]> change) {
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(change, "change");
        MemoryIds.requireValid(memoryId);
        StateConflictException last = null;
        for (int attempt = 1; attempt <= maxAttempts; attempt++) {
            if (attempt > 1) {
                backOff(attempt, memoryId);
            }
            Optional<StoredState> current = store.load(memoryId);
            long expected = current.map(StoredState::version).orElse(0L);
            byte[] next = change.apply(current.map(StoredState::bytes));
            if (next == null) {
                throw new IllegalArgumentException("the change to memory state '" + memoryId + "' returned null");
            }
            try {
                long version = store.save(memoryId, next, expected);
                return new StoredState(next, version);
            } catch (StateConflictException conflict) {
                last = conflict;
            }
        }
        StateConflictException giveUp = new StateConflictException(
                "gave up updating memory state '" + memoryId + "' after " + maxAttempts
                        + " attempts, another writer saved first each time (last attempt expected "
                        + StateConflictException.versionText(last.expectedVersion()) + ", found "
                        + StateConflictException.versionText(last.actualVersion()) + ")",
                memoryId, last.expectedVersion(), last.actualVersion());
        giveUp.initCause(last);
        throw giveUp;
    }

    private void backOff(int attempt, String memoryId) {
        long ceiling = initialBackoffNanos;
        for (int i = 2; i < attempt && ceiling < maxBackoffNanos; i++) {
            ceiling *= 2;
        }
        ceiling = Math.min(ceiling, maxBackoffNanos);
        if (ceiling <= 0) {
            return;
        }
        long nanos = ThreadLocalRandom.current().nextLong(ceiling / 2, ceiling + 1);
        try {
            Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MemoryStateStoreException("interrupted while retrying the update of memory state '"
                    + memoryId + "'", e);
        }
    }

    public static final class Builder {
        private int maxAttempts = DEFAULT_MAX_ATTEMPTS;
        private Duration initialBackoff = DEFAULT_INITIAL_BACKOFF;
        private Duration maxBackoff = DEFAULT_MAX_BACKOFF;

        private Builder() {
        }

        /** Total attempts including the first, at least 1. */
        public Builder maxAttempts(int maxAttempts) {
            if (maxAttempts < 1) {
                throw new IllegalArgumentException("maxAttempts must be at least 1, got " + maxAttempts);
            }
            this.maxAttempts = maxAttempts;
            return this;
        }

        /** Back-off before the second attempt; doubles per attempt up to {@link #maxBackoff}. Zero disables it. */
        public Builder initialBackoff(Duration initialBackoff) {
            this.initialBackoff = requireNonNegative(initialBackoff, "initialBackoff");
            return this;
        }

        public Builder maxBackoff(Duration maxBackoff) {
            this.maxBackoff = requireNonNegative(maxBackoff, "maxBackoff");
            return this;
        }

        public VersionedUpdater build() {
            if (maxBackoff.compareTo(initialBackoff) < 0) {
                throw new IllegalArgumentException("maxBackoff " + maxBackoff + " is shorter than initialBackoff "
                        + initialBackoff);
            }
            return new VersionedUpdater(this);
        }

        private static Duration requireNonNegative(Duration d, String name) {
            if (d == null || d.isNegative()) {
                throw new IllegalArgumentException(name + " must be zero or positive, got " + d);
            }
            return d;
        }
    }
}
