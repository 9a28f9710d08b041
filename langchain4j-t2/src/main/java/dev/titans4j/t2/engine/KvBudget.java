package dev.titans4j.t2.engine;

import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;

/**
 * Bounds the KV memory of the requests in flight ({@link EngineOptions#kvCacheBytes()}): each request counts one
 * context of KV from admission to its end, whether it sits in its prefill cache or in a batch row. A request beyond
 * the budget waits, first come first served, until one ends or its caller cancels. Thread-safe.
 */
final class KvBudget {

    /** How often a waiting request looks at its cancellation flag. */
    private static final long CANCEL_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

    private final int maxRequests;
    private final ReentrantLock lock = new ReentrantLock();
    /** Signalled when a request ends, is admitted or stops waiting: the head of {@link #waiting} may go next. */
    private final Condition changed = lock.newCondition();
    /**
     * One ticket per waiting request, in arrival order; only the head is admitted. An explicit queue, since a
     * fair semaphore's timed acquire, which the cancellation polling needs, requeues a waiter at the tail each poll.
     */
    private final ArrayDeque<Object> waiting = new ArrayDeque<>();
    private int admitted;

    private KvBudget(int maxRequests) {
        this.maxRequests = maxRequests;
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
     * Admits one request, waiting while the budget is spent; null when {@code cancelled} turned true first. An
     * interrupt while waiting is shown to {@code cancelled} at once (a caller may cancel by interrupting); if that
     * does not cancel, the request keeps its place and the interrupt status is set again when it returns. Close the
     * lease when the request ends.
     */
    Lease admit(BooleanSupplier cancelled) {
        if (maxRequests == Integer.MAX_VALUE) {
            return new Lease(null);
        }
        Object ticket = new Object();
        boolean interrupted = false;
        boolean admittedHere = false;
        lock.lock();
        try {
            waiting.addLast(ticket);
        } finally {
            lock.unlock();
        }
        try {
            while (!isCancelled(cancelled, interrupted)) { // outside the lock: the caller's code
                lock.lock();
                try {
                    if (waiting.peekFirst() == ticket && admitted < maxRequests) {
                        waiting.removeFirst();
                        admitted++;
                        admittedHere = true;
                        changed.signalAll(); // the next in line may fit too
                        return new Lease(this);
                    }
                    changed.awaitNanos(CANCEL_POLL_NANOS);
                } catch (InterruptedException e) {
                    interrupted = true;
                } finally {
                    lock.unlock();
                }
            }
            return null;
        } finally {
            if (!admittedHere) { // cancelled, or the cancellation check threw: the next in line moves up
                lock.lock();
                try {
                    waiting.remove(ticket);
                    changed.signalAll();
                } finally {
                    lock.unlock();
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** {@code cancelled}, seeing the interrupt status an earlier wait consumed, which is cleared again for the next. */
    static boolean isCancelled(BooleanSupplier cancelled, boolean interrupted) {
        if (!interrupted) {
            return cancelled.getAsBoolean();
        }
        Thread.currentThread().interrupt();
        try {
            return cancelled.getAsBoolean();
        } finally {
            Thread.interrupted();
        }
    }

    private void release() {
        lock.lock();
        try {
            admitted--;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Requests admitted now (for tests). */
    int admitted() {
        lock.lock();
        try {
            return admitted;
        } finally {
            lock.unlock();
        }
    }

    /** One admitted request's share; closing it twice returns it once. */
    static final class Lease implements AutoCloseable {

        private KvBudget owner;

        private Lease(KvBudget owner) {
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
