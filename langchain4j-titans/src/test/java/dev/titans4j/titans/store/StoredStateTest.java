package dev.titans4j.titans.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class StoredStateTest {

    @Test
    void equalityComparesContent() {
        assertThat(new StoredState(new byte[] {1, 2}, 3)).isEqualTo(new StoredState(new byte[] {1, 2}, 3))
                .hasSameHashCodeAs(new StoredState(new byte[] {1, 2}, 3))
                .isNotEqualTo(new StoredState(new byte[] {1, 2}, 4))
                .isNotEqualTo(new StoredState(new byte[] {1, 3}, 3));
    }

    @Test
    void toStringShowsVersionSizeAndHead() {
        assertThat(new StoredState(new byte[20], 7)).hasToString(
                "StoredState[version=7, 20 bytes: " + "00".repeat(16) + "…]");
    }

    @Test
    void versionMustBePositive() {
        assertThatThrownBy(() -> new StoredState(new byte[0], 0)).hasMessageContaining("positive version, got 0");
        assertThatThrownBy(() -> new StoredState(null, 1)).isInstanceOf(NullPointerException.class);
    }
}
