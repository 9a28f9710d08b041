package dev.titans4j.t2.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Puts each request that finished its prefill into a {@link DecodeBatch} of requests on the same graph with the
 * same Transformer² multipliers (the {@link PrefixCache.Key}), opening a batch when none has room, and keeps the
 * memory of the last batch that ended for the next one, so a lone request allocates nothing (as the
 * {@link KvCachePool} does for prefill). Thread-safe.
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
    synchronized DecodeBatch.Member join(DecoderSession session) {
        if (closed) {
            throw new IllegalStateException("The model is closed");
        }
        PrefixCache.Key key = session.prefixKey();
        for (DecodeBatch batch : open) {
            if (batch.key().equals(key)) {
                DecodeBatch.Member member = batch.join(session);
                if (member != null) {
                    return member;
                }
            }
        }
        DecodeBatch batch = new DecodeBatch(model, this, session.graph(), key, maxRows, idle.getAndSet(null));
        open.add(batch);
        return batch.join(session);
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

    /** Batches with members now (for tests). */
    synchronized List<Integer> batchSizes() {
        return open.stream().map(DecodeBatch::size).toList();
    }

    @Override
    public void close() {
        closed = true;
        DecodeBatch.Memory memory = idle.getAndSet(null);
        if (memory != null) {
            memory.close();
        }
    }
}
