package dev.titans4j.it;

import dev.titans4j.titans.store.JdbcMemoryStateStore;
import dev.titans4j.titans.store.MemoryStateStore;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Assumptions;

/**
 * The restart scenario on PostgreSQL ({@link JdbcMemoryStateStore}), against the server named by
 * {@code TITANS4J_PG_URL} ({@code source .ci/postgres.sh} starts a throw-away one). Skipped when it is not set,
 * except in CI ({@code CI=true} or {@code TITANS4J_REQUIRE_SHARED=true}), where that fails.
 */
class PostgresChatbotTest extends ChatbotRestartScenario {

    private final String table = "t4j_it_" + ProcessHandle.current().pid() + "_"
            + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
    private String url;

    @Override
    MemoryStateStore openStore() {
        return JdbcMemoryStateStore.builder().jdbcUrl(requireUrl()).tableName(table).build();
    }

    @Override
    void requireStore() {
        requireUrl();
    }

    @Override
    void cleanUp() throws Exception {
        if (url != null) {
            try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
                s.execute("DROP TABLE IF EXISTS " + table);
            }
        }
    }

    private String requireUrl() {
        if (url == null) {
            String env = System.getenv("TITANS4J_PG_URL");
            if (env == null || env.isBlank()) {
                String message = "PostgreSQL tests need TITANS4J_PG_URL, a JDBC URL such as "
                        + "jdbc:postgresql://127.0.0.1:54329/postgres?user=postgres "
                        + "(`source .ci/postgres.sh` starts a throw-away server and sets it)";
                if ("true".equalsIgnoreCase(System.getenv("TITANS4J_REQUIRE_SHARED"))
                        || "true".equalsIgnoreCase(System.getenv("CI"))) {
                    throw new AssertionError(message);
                }
                Assumptions.abort(message);
            }
            url = env;
        }
        return url;
    }
}
