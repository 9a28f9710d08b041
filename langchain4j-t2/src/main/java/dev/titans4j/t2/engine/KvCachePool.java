package dev.titans4j.t2.engine;

import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.function.Supplier;

/**
 * Reuses KV caches across requests: a cache is large (it spans the whole context) and allocating it per request
 * would dominate short generations. Each request takes its own cache; at most {@code maxIdle} are kept afterwards.
 */
final class KvCachePool implements AutoCloseable {

    private final ConcurrentLinkedDeque<KvCache> idle = new ConcurrentLinkedDeque<>();
    private final Supplier<KvCache> factory;
    private final int maxIdle;
    private volatile boolean closed;

    KvCachePool(Supplier<KvCache> factory, int maxIdle) {
        this.factory = factory;
        this.maxIdle = maxIdle;
    }

    KvCache acquire() {
        if (closed) {
            throw new IllegalStateException("The model is closed");
        }
        KvCache cache = idle.pollFirst();
        return cache != null ? cache : factory.get();
    }

    void release(KvCache cache) {
        cache.reset();
        if (closed || idle.size() >= maxIdle) {
            cache.close();
        } else {
            idle.offerFirst(cache);
            // close() may have drained the deque between the check and the offer; whoever removes it closes it
            if (closed && idle.remove(cache)) {
                cache.close();
            }
        }
    }

    int idleCount() {
        return idle.size();
    }

    @Override
    public void close() {
        closed = true;
        KvCache cache;
        while ((cache = idle.pollFirst()) != null) {
            cache.close();
        }
    }
}
