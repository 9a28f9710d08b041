package dev.titans4j.titans.store;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Assumptions;

/**
 * The PostgreSQL server the JDBC tests run against, named by {@code TITANS4J_PG_URL} ({@code .ci/postgres.sh}
 * starts a throw-away one and sets it). Absent, the tests skip with a message, unless
 * {@code TITANS4J_REQUIRE_SHARED=true} or {@code CI=true}, where absence fails them.
 */
final class PostgresTestDatabase {

    private PostgresTestDatabase() {
    }

    static String requireUrl() {
        String url = System.getenv("TITANS4J_PG_URL");
        if (url == null || url.isBlank()) {
            String message = "PostgreSQL store tests need TITANS4J_PG_URL, a JDBC URL such as "
                    + "jdbc:postgresql://127.0.0.1:54329/postgres?user=postgres "
                    + "(`source .ci/postgres.sh` starts a throw-away server and sets it)";
            if ("true".equalsIgnoreCase(System.getenv("TITANS4J_REQUIRE_SHARED"))
                    || "true".equalsIgnoreCase(System.getenv("CI"))) {
                throw new AssertionError(message);
            }
            Assumptions.abort(message);
        }
        return url;
    }

    /** A table name no other test run uses, so parallel runs against one server do not clash. */
    static String uniqueTableName() {
        return "t4j_test_" + ProcessHandle.current().pid() + "_"
                + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
    }

    static void execute(String url, String sql) throws SQLException {
        try (Connection connection = DriverManager.getConnection(url);
             Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    static void dropTable(String url, String table) throws SQLException {
        execute(url, "DROP TABLE IF EXISTS " + table + ", " + table + "_log, " + table + "_log_head");
    }
}
