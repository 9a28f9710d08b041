package dev.titans4j.t2.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnxruntime.OrtEnvironment;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import org.junit.jupiter.api.Test;

/** Pooled KV caches are reused while open and always closed once the pool is. */
class KvCachePoolTest {

    private static final OrtEnvironment ENV = OrtEnvironment.getEnvironment();

    private static KvCache tinyCache() {
        return new KvCache(ENV, 1, 1, 2, 4, "float32");
    }

    @Test
    void a_released_cache_is_reused_until_the_pool_closes_and_closed_after() {
        KvCachePool pool = new KvCachePool(KvCachePoolTest::tinyCache, 1);
        KvCache cache = pool.acquire();
        pool.release(cache);
        assertThat(pool.acquire()).isSameAs(cache);
        pool.close();
        pool.release(cache);
        assertThat(cache.isClosed()).isTrue();
        assertThat(pool.idleCount()).isZero();
        assertThatThrownBy(pool::acquire).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    }

    @Test
    void a_release_racing_with_close_never_leaves_an_open_cache_behind() throws Exception {
        List<KvCache> leaked = new ArrayList<>();
        for (int round = 0; round < 300; round++) {
            KvCachePool pool = new KvCachePool(KvCachePoolTest::tinyCache, 4);
            KvCache cache = pool.acquire();
            CyclicBarrier start = new CyclicBarrier(2);
            Thread releaser = new Thread(() -> {
                await(start);
                pool.release(cache);
            });
            releaser.start();
            await(start);
            pool.close();
            releaser.join();
            if (!cache.isClosed()) {
                leaked.add(cache);
            }
            cache.close();
        }
        assertThat(leaked).isEmpty();
    }

    @Test
    void step_tensors_travel_with_the_pooled_cache_and_close_with_it() throws Exception {
        KvCache cache = tinyCache();
        StepTensors first = cache.stepTensors(ENV, 8);
        assertThat(cache.stepTensors(ENV, 8)).isSameAs(first);
        KvCachePool pool = new KvCachePool(() -> cache, 1);
        pool.release(pool.acquire());
        assertThat(pool.acquire().stepTensors(ENV, 8)).as("a later request reuses the buffers").isSameAs(first);
        cache.close();
        assertThatThrownBy(() -> cache.stepTensors(ENV, 8)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
        assertThatThrownBy(() -> first.logitsRow().getFloatBuffer()).isInstanceOf(IllegalStateException.class);
    }

    private static void await(CyclicBarrier barrier) {
        try {
            barrier.await();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
