package dev.titans4j.titans.store;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class InMemoryMemoryStateStoreTest extends MemoryStateStoreContractTest {

    @Override
    protected MemoryStateStore newStore() {
        return new InMemoryMemoryStateStore();
    }

    /** An in-memory store has no shared storage; a second "instance" is the same object. */
    @Override
    protected MemoryStateStore sameStorageStore() {
        return store;
    }

    @Override
    protected int incrementsPerThread() {
        return 500;
    }

    @Test
    void instancesShareNothing() {
        store.save("a", bytes("x"), 0);

        assertThat(new InMemoryMemoryStateStore().load("a")).isEmpty();
    }
}
