package dev.titans4j.titans.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import javax.sql.DataSource;

/**
 * Stores states in a PostgreSQL table, one row per memory id:
 * <pre>
 * memory_id  text PRIMARY KEY
 * version    bigint NOT NULL
 * state      bytea NOT NULL
 * updated_at timestamptz NOT NULL
 * </pre>
 * Saves are single optimistic statements, atomic in the database: creation is
 * {@code INSERT ... ON CONFLICT (memory_id) DO NOTHING} (with a fresh random first version) and a change is
 * {@code UPDATE ... SET version = version + 1 ... WHERE memory_id = ? AND version = ?}; zero affected rows means
 * another writer got there first and gives a {@link StateConflictException}. So any number of store instances,
 * threads and application processes can share one table without ever losing an update silently.
 *
 * <p>Thread-safe when the {@link DataSource} is (every operation borrows its own connection and commits before
 * returning it). The PostgreSQL driver ({@code org.postgresql:postgresql}, an optional dependency of this module)
 * must be on the class path when the store is built from a JDBC URL.
 *
 * <pre>{@code
 * MemoryStateStore store = JdbcMemoryStateStore.builder()
 *         .jdbcUrl("jdbc:postgresql://localhost:5432/app?user=app")
 *         .tableName("titans_memory_state")
 *         .build();
 * }</pre>
 */
public final class JdbcMemoryStateStore implements MemoryStateStore {

    public static final String DEFAULT_TABLE_NAME = "titans4j_memory_state";
    private static final Pattern TABLE_NAME =
            Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}(\\.[A-Za-z_][A-Za-z0-9_]{0,62})?");

    private final DataSource dataSource;
    private final String table;
    private final String selectSql;
    private final String insertSql;
    private final String updateSql;

    private JdbcMemoryStateStore(Builder builder) {
        this.dataSource = builder.dataSource;
        this.table = builder.tableName;
        this.selectSql = "SELECT version, state FROM " + table + " WHERE memory_id = ?";
        this.insertSql = "INSERT INTO " + table + " (memory_id, version, state, updated_at) VALUES (?, ?, ?, now())"
                + " ON CONFLICT (memory_id) DO NOTHING";
        this.updateSql = "UPDATE " + table + " SET state = ?, version = version + 1, updated_at = now()"
                + " WHERE memory_id = ? AND version = ?";
        if (builder.createTable) {
            createTableIfAbsent();
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    public String tableName() {
        return table;
    }

    @Override
    public Optional<StoredState> load(String memoryId) {
        MemoryIds.requireValid(memoryId);
        return inTransaction("load", memoryId, connection -> {
            try (PreparedStatement select = connection.prepareStatement(selectSql)) {
                select.setString(1, memoryId);
                try (ResultSet row = select.executeQuery()) {
                    if (!row.next()) {
                        return Optional.empty();
                    }
                    long version = row.getLong(1);
                    byte[] state = row.getBytes(2);
                    if (version < 1 || state == null) {
                        throw new CorruptStateException("row of memory id '" + memoryId + "' in table " + table
                                + " is invalid (version " + version + ", state " + (state == null ? "null" : "present")
                                + ")");
                    }
                    return Optional.of(new StoredState(state, version));
                }
            }
        });
    }

    @Override
    public long save(String memoryId, byte[] state, long expectedVersion) {
        SaveArguments.check(memoryId, state, expectedVersion);
        long next = expectedVersion == 0 ? FirstVersions.next() : expectedVersion + 1;
        int changed = inTransaction("save", memoryId, connection -> {
            if (expectedVersion == 0) {
                try (PreparedStatement insert = connection.prepareStatement(insertSql)) {
                    insert.setString(1, memoryId);
                    insert.setLong(2, next);
                    insert.setBytes(3, state);
                    return insert.executeUpdate();
                }
            }
            try (PreparedStatement update = connection.prepareStatement(updateSql)) {
                update.setBytes(1, state);
                update.setString(2, memoryId);
                update.setLong(3, expectedVersion);
                return update.executeUpdate();
            }
        });
        if (changed == 0) {
            long actual = load(memoryId).map(StoredState::version).orElse(StateConflictException.ABSENT);
            throw new StateConflictException(memoryId, expectedVersion,
                    actual == expectedVersion ? StateConflictException.UNKNOWN : actual);
        }
        return next;
    }

    @Override
    public boolean delete(String memoryId) {
        MemoryIds.requireValid(memoryId);
        return inTransaction("delete", memoryId, connection -> {
            try (PreparedStatement delete = connection.prepareStatement(
                    "DELETE FROM " + table + " WHERE memory_id = ?")) {
                delete.setString(1, memoryId);
                return delete.executeUpdate() > 0;
            }
        });
    }

    @Override
    public Set<String> ids() {
        return inTransaction("list", null, connection -> {
            Set<String> ids = new HashSet<>();
            try (Statement statement = connection.createStatement();
                 ResultSet rows = statement.executeQuery("SELECT memory_id FROM " + table)) {
                while (rows.next()) {
                    ids.add(rows.getString(1));
                }
            }
            return Set.copyOf(ids);
        });
    }

    @Override
    public String toString() {
        return "JdbcMemoryStateStore[" + table + " via " + dataSource + "]";
    }

    private void createTableIfAbsent() {
        String ddl = "CREATE TABLE IF NOT EXISTS " + table + " (memory_id text PRIMARY KEY, version bigint NOT NULL,"
                + " state bytea NOT NULL, updated_at timestamptz NOT NULL DEFAULT now())";
        try {
            inTransaction("create table", null, connection -> {
                try (Statement statement = connection.createStatement()) {
                    statement.execute(ddl);
                }
                return null;
            });
        } catch (MemoryStateStoreException e) {
            // Two instances creating the table at the same moment can both pass IF NOT EXISTS; the loser fails
            // on PostgreSQL's catalog constraint although the table now exists. Only a missing table is an error.
            if (!tableExists()) {
                throw e;
            }
        }
    }

    private boolean tableExists() {
        try {
            return inTransaction("check table", null, connection -> {
                try (Statement statement = connection.createStatement()) {
                    statement.executeQuery("SELECT 1 FROM " + table + " WHERE false").close();
                    return true;
                }
            });
        } catch (MemoryStateStoreException e) {
            return false;
        }
    }

    @FunctionalInterface
    private interface SqlWork<T> {
        T run(Connection connection) throws SQLException;
    }

    /** Runs {@code work} on a borrowed connection and commits it, whatever the pool's auto-commit setting is. */
    private <T> T inTransaction(String operation, String memoryId, SqlWork<T> work) {
        try (Connection connection = dataSource.getConnection()) {
            boolean manualCommit = !connection.getAutoCommit();
            try {
                T result = work.run(connection);
                if (manualCommit) {
                    connection.commit();
                }
                return result;
            } catch (SQLException | RuntimeException e) {
                if (manualCommit) {
                    connection.rollback();
                }
                throw e;
            }
        } catch (SQLException e) {
            throw new MemoryStateStoreException("cannot " + operation
                    + (memoryId == null ? "" : " memory state '" + memoryId + "'") + " in table " + table + " ("
                    + dataSource + "): " + e.getMessage() + hint(e), e);
        }
    }

    private static String hint(SQLException e) {
        String message = String.valueOf(e.getMessage());
        return message.contains("No suitable driver")
                ? " (add org.postgresql:postgresql to the class path)" : "";
    }

    public static final class Builder {
        private DataSource dataSource;
        private String tableName = DEFAULT_TABLE_NAME;
        private boolean createTable = true;

        private Builder() {
        }

        /** Where connections come from, typically the application's pool. */
        public Builder dataSource(DataSource dataSource) {
            this.dataSource = dataSource;
            return this;
        }

        /** Opens a new connection per operation with {@link java.sql.DriverManager} (no pool). */
        public Builder jdbcUrl(String jdbcUrl) {
            return jdbcUrl(jdbcUrl, null, null);
        }

        public Builder jdbcUrl(String jdbcUrl, String user, String password) {
            if (jdbcUrl == null || !jdbcUrl.startsWith("jdbc:")) {
                throw new IllegalArgumentException("a JDBC URL starts with 'jdbc:', got " + jdbcUrl);
            }
            this.dataSource = new DriverManagerDataSource(jdbcUrl, user, password);
            return this;
        }

        /**
         * The table, optionally schema-qualified: letters, digits and underscores, not starting with a digit,
         * at most 63 characters per part. Default {@value #DEFAULT_TABLE_NAME}.
         */
        public Builder tableName(String tableName) {
            if (tableName == null || !TABLE_NAME.matcher(tableName).matches()) {
                throw new IllegalArgumentException("table name must be [schema.]name of letters, digits and"
                        + " underscores, not starting with a digit, at most 63 characters each, got '"
                        + tableName + "'");
            }
            this.tableName = tableName;
            return this;
        }

        /** Whether {@link #build()} creates the table when it does not exist (default true). */
        public Builder createTable(boolean createTable) {
            this.createTable = createTable;
            return this;
        }

        public JdbcMemoryStateStore build() {
            if (dataSource == null) {
                throw new IllegalArgumentException("JdbcMemoryStateStore needs a dataSource or a jdbcUrl");
            }
            return new JdbcMemoryStateStore(this);
        }
    }
}
