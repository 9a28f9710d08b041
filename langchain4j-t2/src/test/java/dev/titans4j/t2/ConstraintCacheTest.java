package dev.titans4j.t2;

import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.chat.request.json.JsonSchema;
import dev.titans4j.t2.constrain.JsonConstraint;
import dev.titans4j.t2.engine.EngineOptions;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Compiled constraints and the token vocabulary are built once and reused. */
class ConstraintCacheTest {

    private static JsonSchema person() { // a fresh but equal schema each time, as AiServices sends it
        return JsonSchema.builder().name("Person").rootElement(JsonObjectSchema.builder()
                .addStringProperty("name").required("name").build()).build();
    }

    @Test
    void equal_keys_compile_once_and_the_least_recently_used_entry_is_evicted() {
        ConstraintCache cache = new ConstraintCache(2);
        AtomicInteger compiles = new AtomicInteger();
        JsonConstraint first = cache.get(List.of(person()), () -> {
            compiles.incrementAndGet();
            return JsonConstraint.forSchema(person());
        });
        assertThat(cache.get(List.of(person()), () -> {
            compiles.incrementAndGet();
            return JsonConstraint.anyJson();
        })).isSameAs(first);
        assertThat(compiles).hasValue(1);
        cache.get("b", JsonConstraint::anyJson);
        cache.get(List.of(person()), JsonConstraint::anyJson); // touch: "b" is now the eldest
        cache.get("c", JsonConstraint::anyJson);
        assertThat(cache.get(List.of(person()), JsonConstraint::anyJson)).isSameAs(first);
        JsonConstraint b = JsonConstraint.anyJson();
        assertThat(cache.get("b", () -> b)).isSameAs(b); // was evicted, compiled anew
    }

    @Test
    void a_slow_compilation_does_not_block_lookups_of_other_keys() throws Exception {
        ConstraintCache cache = new ConstraintCache(4);
        CountDownLatch compiling = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        JsonConstraint slow = JsonConstraint.anyJson();
        CompletableFuture<JsonConstraint> slowGet = CompletableFuture.supplyAsync(() -> cache.get("slow", () -> {
            compiling.countDown();
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return slow;
        }));
        try {
            assertThat(compiling.await(30, TimeUnit.SECONDS)).isTrue();
            JsonConstraint fast = JsonConstraint.anyJson();
            assertThat(CompletableFuture.supplyAsync(() -> cache.get("fast", () -> fast)).get(5, TimeUnit.SECONDS))
                    .isSameAs(fast);
        } finally {
            release.countDown();
        }
        assertThat(slowGet.get(30, TimeUnit.SECONDS)).isSameAs(slow);
        assertThat(cache.get("slow", JsonConstraint::anyJson)).isSameAs(slow);
    }

    @Test
    void the_engine_builds_its_token_vocabulary_once_with_its_stop_tokens_as_end_of_sequence() {
        try (OnnxChatEngine engine = OnnxChatEngine.load(TestModels.stories260K(),
                EngineOptions.defaults().withIntraOpThreads(1))) {
            assertThat(engine.tokenVocabulary()).isSameAs(engine.tokenVocabulary());
            assertThat(engine.tokenVocabulary().eosTokenIds()).containsExactlyInAnyOrder(
                    engine.stopTokenIds().stream().mapToInt(Integer::intValue).toArray());
            assertThat(engine.tokenVocabulary().size()).isEqualTo(engine.model().vocabSize());
        }
    }
}
