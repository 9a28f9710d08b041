package dev.titans4j.t2.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/**
 * Requests beyond the KV budget wait first come first served, and a caller that cancels by interrupting its thread
 * (as {@code OnnxChatModel} does) stops waiting at once instead of when its turn comes.
 */
class KvBudgetTest {

    /** Room for one request. */
    private static KvBudget oneRequest() {
        return KvBudget.of(100, 100, 8);
    }

    /** A thread admitting one request; {@link #lease} and {@link #interruptedAfter} are set when it returns. */
    private static final class Waiter extends Thread {

        final AtomicReference<KvBudget.Lease> lease = new AtomicReference<>();
        final AtomicBoolean returned = new AtomicBoolean();
        final AtomicBoolean interruptedAfter = new AtomicBoolean();
        private final KvBudget budget;
        private final BooleanSupplier cancelled;

        Waiter(KvBudget budget, BooleanSupplier cancelled) {
            this.budget = budget;
            this.cancelled = cancelled;
            setDaemon(true);
        }

        @Override
        public void run() {
            lease.set(budget.admit(cancelled));
            interruptedAfter.set(Thread.currentThread().isInterrupted());
            returned.set(true);
        }

        /** Starts it and returns once it waits for the budget. */
        Waiter started() throws InterruptedException {
            start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (getState() != State.TIMED_WAITING && getState() != State.WAITING) {
                assertThat(System.nanoTime()).as("the request waits for the budget").isLessThan(deadline);
                Thread.sleep(1);
            }
            return this;
        }
    }

    @Test
    void an_interrupt_ends_the_wait_of_a_caller_that_cancels_by_interrupting() throws Exception {
        KvBudget budget = oneRequest();
        try (KvBudget.Lease held = budget.admit(() -> false)) {
            Waiter waiter = new Waiter(budget, () -> Thread.currentThread().isInterrupted()).started();
            waiter.interrupt();
            waiter.join(TimeUnit.SECONDS.toMillis(2));
            assertThat(waiter.returned).as("the interrupted request stopped waiting").isTrue();
            assertThat(waiter.lease.get()).isNull();
            assertThat(waiter.interruptedAfter).as("the interrupt status stays set").isTrue();
            assertThat(budget.admitted()).isOne();
        }
        assertThat(budget.admitted()).isZero();
        try (KvBudget.Lease next = budget.admit(() -> false)) {
            assertThat(next).as("the interrupted request left the queue").isNotNull();
        }
    }

    @Test
    void an_interrupt_that_does_not_cancel_keeps_the_request_waiting_with_the_status_restored() throws Exception {
        KvBudget budget = oneRequest();
        KvBudget.Lease held = budget.admit(() -> false);
        Waiter waiter = new Waiter(budget, () -> false).started();
        waiter.interrupt();
        Thread.sleep(100);
        assertThat(waiter.returned).isFalse();
        held.close();
        waiter.join(TimeUnit.SECONDS.toMillis(10));
        assertThat(waiter.lease.get()).isNotNull();
        assertThat(waiter.interruptedAfter).isTrue();
        waiter.lease.get().close();
        assertThat(budget.admitted()).isZero();
    }

    @Test
    void waiting_requests_are_admitted_in_the_order_they_arrived() throws Exception {
        for (int round = 0; round < 10; round++) {
            KvBudget budget = oneRequest();
            KvBudget.Lease held = budget.admit(() -> false);
            Waiter first = new Waiter(budget, () -> false).started();
            Thread.sleep(7);
            Waiter second = new Waiter(budget, () -> false).started();
            Thread.sleep(31 + 3 * round); // several polls of both; the release lands at varying points between them
            held.close();
            first.join(TimeUnit.SECONDS.toMillis(2));
            assertThat(first.lease.get()).as("round %d: the first request is admitted first", round).isNotNull();
            assertThat(second.returned).as("round %d: the second still waits", round).isFalse();
            first.lease.get().close();
            second.join(TimeUnit.SECONDS.toMillis(10));
            assertThat(second.lease.get()).isNotNull();
            second.lease.get().close();
            assertThat(budget.admitted()).isZero();
        }
    }
}
