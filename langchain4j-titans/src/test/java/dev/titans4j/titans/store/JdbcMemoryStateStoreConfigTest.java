package dev.titans4j.titans.store;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** Builder validation and connection failures; needs no database. */
class JdbcMemoryStateStoreConfigTest {

    @ParameterizedTest
    @ValueSource(strings = {"", "1table", "memory state", "states; DROP TABLE users", "a.b.c", "\"quoted\"",
            "tab-le", "x.", ".x"})
    void unsafeTableNamesAreRejected(String name) {
        assertThatThrownBy(() -> JdbcMemoryStateStore.builder().tableName(name))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("table name must be").hasMessageContaining("got '" + name + "'");
    }

    @Test
    void tooLongTableNameIsRejected() {
        assertThatThrownBy(() -> JdbcMemoryStateStore.builder().tableName("t".repeat(64)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aDataSourceIsRequired() {
        assertThatThrownBy(() -> JdbcMemoryStateStore.builder().build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("needs a dataSource or a jdbcUrl");
        assertThatThrownBy(() -> JdbcMemoryStateStore.builder().jdbcUrl("postgresql://host/db"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("starts with 'jdbc:'");
    }

    @Test
    void unknownDriverGetsAHint() {
        assertThatThrownBy(() -> JdbcMemoryStateStore.builder().jdbcUrl("jdbc:nosuchdb://x").build())
                .isInstanceOf(MemoryStateStoreException.class)
                .hasMessageContaining("cannot create table in table titans4j_memory_state")
                .hasMessageContaining("add org.postgresql:postgresql to the class path");
    }

    @Test
    void unreachableServerIsAClearError() {
        assertThatThrownBy(() -> JdbcMemoryStateStore.builder()
                .jdbcUrl("jdbc:postgresql://127.0.0.1:1/postgres?user=postgres&connectTimeout=2").build())
                .isInstanceOf(MemoryStateStoreException.class)
                .hasMessageContaining("cannot create table")
                .hasMessageContaining("127.0.0.1:1");
    }
}
