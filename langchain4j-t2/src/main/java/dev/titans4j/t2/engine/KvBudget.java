package dev.titans4j.t2.engine;

import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Bounds the KV memory of the requests in flight ({@link EngineOptions#kvCacheBytes()}): each request counts one
 * context of KV from admission to its end, whether it sits in its prefill cache or in a batch row. A request beyond
 * the budget waits, first come first served, until one ends or its caller cancels. Thread-safe.
 */
final class KvBudget {

    /** How often a waiting request looks at its cancellation flag. */
    private static final long CANCEL_POLL_MILLIS = 20;

    private final Semaphore requests;
    private final int maxRequests;

    private KvBudget(int maxRequests) {
        this.maxRequests = maxRequests;
        this.requests = maxRequests == Integer.MAX_VALUE ? null : new Semaphore(maxRequests, true);
    }

    /**
     * The budget of {@code budgetBytes} (0 = unlimited) for requests of {@code requestBytes} each.
     *
     * @throws IllegalArgumentException when one request alone exceeds it
     */
    static KvBudget of(long budgetBytes, long requestBytes, int contextLength) {
        if (budgetBytes == 0) {
            return new KvBudget(Integer.MAX_VALUE);
        }
        if (requestBytes > budgetBytes) {
            throw new IllegalArgumentException("One request's KV cache takes " + requestBytes + " bytes (a context of "
                    + contextLength + " tokens) but the KV budget is " + budgetBytes + " bytes; raise"
                    + " EngineOptions.kvCacheBytes or lower maxContextLength");
        }
        return new KvBudget((int) Math.min(Integer.MAX_VALUE - 1, budgetBytes / requestBytes));
    }

    /** Requests that may hold KV at once ({@link Integer#MAX_VALUE} without a limit). */
    int maxRequests() {
        return maxRequests;
    }

    /**
     * Admits one request, waiting while the budget is spent; null when {@code cancelled} turned true first. Close
     * the lease when the request ends.
     */
    Lease admit(BooleanSupplier cancelled) {
        if (requests == null) {
            return new Lease(null);
        }
        boolean interrupted = false;
        try {
            while (true) {
                if (cancelled.getAsBoolean()) {
                    return null;
                }
                try {
                    if (requests.tryAcquire(CANCEL_POLL_MILLIS, TimeUnit.MILLISECONDS)) {
                        return new Lease(requests);
                    }
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Requests admitted now (for tests). */
    int admitted() {
        return requests == null ? 0 : maxRequests - requests.availablePermits();
    }

    /** One admitted request's share; closing it twice returns it once. */
    static final class Lease implements AutoCloseable {

        private Semaphore owner;

        private Lease(Semaphore owner) {
            this.owner = owner;
        }

        @Override
        public void close() {
            if (owner != null) {
                owner.release();
                owner = null;
            }
        }
    }
}
