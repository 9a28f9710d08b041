package dev.titans4j.t2.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Puts each request that finished its prefill into a {@link DecodeBatch} of requests on the same graph with the
 * same Transformer² multipliers (the {@link PrefixCache.Key}), opening a batch when none has room, and keeps the
 * memory of the last batch that ended for the next one, so a lone request allocates nothing (as the
 * {@link KvCachePool} does for prefill). Thread-safe: its lock guards only the list of open batches, never a batch's
 * own lock, so a request waiting to join a batch that is running a step (and copying its KV into a row then) holds up
 * no other request's join or retirement.
 */
final class BatchScheduler implements AutoCloseable {

    private final OnnxModel model;
    private final int maxRows;
    private final List<DecodeBatch> open = new ArrayList<>();
    private final AtomicReference<DecodeBatch.Memory> idle = new AtomicReference<>();
    /** The most requests one step has decoded together (for tests and benchmarks). */
    private final AtomicInteger largestStep = new AtomicInteger();
    private volatile boolean closed;

    BatchScheduler(OnnxModel model, int maxRows) {
        this.model = model;
        this.maxRows = maxRows;
    }

    /**
     * Moves the request in {@code session} (prompt prefilled) into a batch; the session's own cache is no longer
     * used for it (the caller closes the session to return it).
     */
    DecodeBatch.Member join(DecoderSession session) {
        while (true) {
            // outside this lock: the batch takes the member after its running step, if it still has room then
            DecodeBatch.Member member = choose(session).join(session);
            if (member != null) {
                return member;
            }
        }
    }

    /**
     * An open batch of the session's key that seemed to have room, else a new one. A batch may fill up or end before
     * the request gets to it; its join then refuses, and the request chooses again (a full or ended batch is
     * skipped then, so this ends).
     */
    private synchronized DecodeBatch choose(DecoderSession session) {
        if (closed) {
            throw new IllegalStateException("The model is closed");
        }
        PrefixCache.Key key = session.prefixKey();
        for (DecodeBatch batch : open) {
            if (batch.key().equals(key) && batch.hasRoom()) {
                return batch;
            }
        }
        DecodeBatch.Memory reused = idle.getAndSet(null);
        DecodeBatch batch;
        try {
            batch = new DecodeBatch(model, this, session.graph(), key, maxRows, reused);
        } catch (RuntimeException | Error e) { // the idle memory is kept for the next batch, or freed
            if (reused != null && !idle.compareAndSet(null, reused)) {
                reused.close();
            }
            throw e;
        }
        open.add(batch);
        return batch;
    }

    /** Called by a batch whose last member left: its memory serves the next batch. */
    void retire(DecodeBatch batch, DecodeBatch.Memory memory) {
        synchronized (this) {
            open.remove(batch);
        }
        DecodeBatch.Memory previous = idle.getAndSet(memory);
        if (previous != null) {
            previous.close();
        }
        if (closed) {
            close();
        }
    }

    void stepped(int requests) {
        largestStep.accumulateAndGet(requests, Math::max);
    }

    int largestStep() {
        return largestStep.get();
    }

    /** The open batches' sizes now (for tests). */
    synchronized List<Integer> batchSizes() {
        return open.stream().map(DecodeBatch::size).toList();
    }

    /** The open batches now (for tests). */
    synchronized List<DecodeBatch> openBatches() {
        return List.copyOf(open);
    }

    @Override
    public void close() {
        synchronized (this) { // a join choosing now opens no batch after this
            closed = true;
        }
        DecodeBatch.Memory memory = idle.getAndSet(null);
        if (memory != null) {
            memory.close();
        }
    }
}
