package dev.titans4j.titans.store;

import dev.titans4j.titans.format.CorruptStateException;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import javax.sql.DataSource;

/**
 * Stores states in PostgreSQL. Whole states ({@link #save}/{@link #load}) in one table, one row per memory id:
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
 * <p>Logs ({@link #append}, {@link #readLog}, {@link #saveSnapshot}, used by {@code TitansChatMemory}) in two more
 * tables named after it: {@code <table>_log_head} (memory_id PRIMARY KEY, generation, last_position,
 * snapshot_position, snapshot bytea) and {@code <table>_log} (memory_id, position, record bytea; PRIMARY KEY
 * (memory_id, position)). An append is one transaction that increments the head's last position (the row lock
 * orders concurrent appenders, so positions are gapless) and inserts the record; it commits before returning.
 * Saving a snapshot updates the head only if it is newer and deletes the records it covers, in one transaction.
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
    private final String logTable;
    private final String headTable;

    private JdbcMemoryStateStore(Builder builder) {
        this.dataSource = builder.dataSource;
        this.table = builder.tableName;
        this.logTable = table + "_log";
        this.headTable = table + "_log_head";
        this.selectSql = "SELECT version, state FROM " + table + " WHERE memory_id = ?";
        this.insertSql = "INSERT INTO " + table + " (memory_id, version, state, updated_at) VALUES (?, ?, ?, now())"
                + " ON CONFLICT (memory_id) DO NOTHING";
        this.updateSql = "UPDATE " + table + " SET state = ?, version = version + 1, updated_at = now()"
                + " WHERE memory_id = ? AND version = ?";
        if (builder.createTable) {
            createTableIfAbsent(table, "CREATE TABLE IF NOT EXISTS " + table + " (memory_id text PRIMARY KEY,"
                    + " version bigint NOT NULL, state bytea NOT NULL, updated_at timestamptz NOT NULL DEFAULT now())");
            createTableIfAbsent(headTable, "CREATE TABLE IF NOT EXISTS " + headTable + " (memory_id text PRIMARY KEY,"
                    + " generation bigint NOT NULL, last_position bigint NOT NULL, snapshot_position bigint NOT NULL,"
                    + " snapshot bytea, updated_at timestamptz NOT NULL DEFAULT now())");
            createTableIfAbsent(logTable, "CREATE TABLE IF NOT EXISTS " + logTable + " (memory_id text NOT NULL,"
                    + " position bigint NOT NULL, record bytea NOT NULL, PRIMARY KEY (memory_id, position))");
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
            boolean existed = false;
            for (String t : new String[] {headTable, logTable, table}) {
                try (PreparedStatement delete = connection.prepareStatement(
                        "DELETE FROM " + t + " WHERE memory_id = ?")) {
                    delete.setString(1, memoryId);
                    existed |= delete.executeUpdate() > 0;
                }
            }
            return existed;
        }, true); // one transaction: an append in between would recreate the head and lose its record to the delete
    }

    @Override
    public Set<String> ids() {
        return inTransaction("list", null, connection -> {
            Set<String> ids = new HashSet<>();
            try (Statement statement = connection.createStatement();
                 ResultSet rows = statement.executeQuery("SELECT memory_id FROM " + table
                         + " UNION SELECT memory_id FROM " + headTable)) {
                while (rows.next()) {
                    ids.add(rows.getString(1));
                }
            }
            return Set.copyOf(ids);
        });
    }

    @Override
    public boolean keepsLogsApart() {
        return true;
    }

    @Override
    public LogPosition append(String memoryId, byte[] record) {
        MemoryIds.requireValid(memoryId);
        java.util.Objects.requireNonNull(record, "record");
        return inTransaction("append to the log of", memoryId, connection -> {
            try (PreparedStatement create = connection.prepareStatement("INSERT INTO " + headTable
                    + " (memory_id, generation, last_position, snapshot_position) VALUES (?, ?, 0, 0)"
                    + " ON CONFLICT (memory_id) DO NOTHING")) {
                create.setString(1, memoryId);
                create.setLong(2, FirstVersions.next());
                create.executeUpdate();
            }
            long generation;
            long position;
            try (PreparedStatement next = connection.prepareStatement("UPDATE " + headTable
                    + " SET last_position = last_position + 1, updated_at = now() WHERE memory_id = ?"
                    + " RETURNING generation, last_position")) {
                next.setString(1, memoryId);
                try (ResultSet row = next.executeQuery()) {
                    if (!row.next()) {
                        throw new SQLException("the log head of memory id '" + memoryId + "' vanished");
                    }
                    generation = row.getLong(1);
                    position = row.getLong(2);
                }
            }
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO " + logTable
                    + " (memory_id, position, record) VALUES (?, ?, ?)")) {
                insert.setString(1, memoryId);
                insert.setLong(2, position);
                insert.setBytes(3, record);
                insert.executeUpdate();
            }
            return new LogPosition(generation, position);
        }, true);
    }

    @Override
    public MemoryLog readLog(String memoryId, long generation, long position) {
        MemoryIds.requireValid(memoryId);
        return inTransaction("read the log of", memoryId, connection -> {
            connection.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            long storedGeneration;
            long last;
            long snapshotPosition;
            try (PreparedStatement head = connection.prepareStatement("SELECT generation, last_position,"
                    + " snapshot_position FROM " + headTable + " WHERE memory_id = ?")) {
                head.setString(1, memoryId);
                try (ResultSet row = head.executeQuery()) {
                    if (!row.next()) {
                        return MemoryLog.ABSENT;
                    }
                    storedGeneration = row.getLong(1);
                    last = row.getLong(2);
                    snapshotPosition = row.getLong(3);
                }
            }
            // the records after a reader's position are all there unless a snapshot beyond it dropped some
            boolean continues = storedGeneration == generation && position >= snapshotPosition && position <= last;
            MemoryLog.Snapshot snapshot = null;
            long after = continues ? position : 0;
            if (!continues && snapshotPosition > 0) {
                try (PreparedStatement select = connection.prepareStatement("SELECT snapshot FROM " + headTable
                        + " WHERE memory_id = ?")) {
                    select.setString(1, memoryId);
                    try (ResultSet row = select.executeQuery()) {
                        row.next();
                        byte[] bytes = row.getBytes(1);
                        if (bytes == null) {
                            throw new CorruptStateException("log head of memory id '" + memoryId + "' in table "
                                    + headTable + " names a snapshot at " + snapshotPosition + " but holds none");
                        }
                        snapshot = new MemoryLog.Snapshot(snapshotPosition, bytes);
                    }
                }
                after = snapshotPosition;
            }
            List<MemoryLog.Record> records = new ArrayList<>();
            try (PreparedStatement select = connection.prepareStatement("SELECT position, record FROM " + logTable
                    + " WHERE memory_id = ? AND position > ? ORDER BY position")) {
                select.setString(1, memoryId);
                select.setLong(2, after);
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        records.add(new MemoryLog.Record(rows.getLong(1), rows.getBytes(2)));
                    }
                }
            }
            return new MemoryLog(storedGeneration, snapshot, records);
        }, true);
    }

    @Override
    public void saveSnapshot(String memoryId, long generation, long position, byte[] snapshot) {
        MemoryIds.requireValid(memoryId);
        java.util.Objects.requireNonNull(snapshot, "snapshot");
        inTransaction("save a snapshot of", memoryId, connection -> {
            int updated;
            try (PreparedStatement update = connection.prepareStatement("UPDATE " + headTable
                    + " SET snapshot = ?, snapshot_position = ?, updated_at = now() WHERE memory_id = ?"
                    + " AND generation = ? AND snapshot_position < ? AND last_position >= ?")) {
                update.setBytes(1, snapshot);
                update.setLong(2, position);
                update.setString(3, memoryId);
                update.setLong(4, generation);
                update.setLong(5, position);
                update.setLong(6, position);
                updated = update.executeUpdate();
            }
            if (updated > 0) {
                try (PreparedStatement delete = connection.prepareStatement("DELETE FROM " + logTable
                        + " WHERE memory_id = ? AND position <= ?")) {
                    delete.setString(1, memoryId);
                    delete.setLong(2, position);
                    delete.executeUpdate();
                }
            }
            return null;
        }, true);
    }

    @Override
    public String toString() {
        return "JdbcMemoryStateStore[" + table + " via " + dataSource + "]";
    }

    private void createTableIfAbsent(String name, String ddl) {
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
            if (!tableExists(name)) {
                throw e;
            }
        }
    }

    private boolean tableExists(String name) {
        try {
            return inTransaction("check table", null, connection -> {
                try (Statement statement = connection.createStatement()) {
                    statement.executeQuery("SELECT 1 FROM " + name + " WHERE false").close();
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
        return inTransaction(operation, memoryId, work, false);
    }

    /**
     * As above; {@code multiStatement} runs {@code work} as one transaction (auto-commit off for its duration, the
     * connection's settings restored before it goes back to the pool).
     */
    private <T> T inTransaction(String operation, String memoryId, SqlWork<T> work, boolean multiStatement) {
        try (Connection connection = dataSource.getConnection()) {
            boolean autoCommit = connection.getAutoCommit();
            int isolation = connection.getTransactionIsolation();
            boolean manualCommit = multiStatement || !autoCommit;
            if (multiStatement && autoCommit) {
                connection.setAutoCommit(false);
            }
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
            } finally {
                if (connection.getTransactionIsolation() != isolation) {
                    connection.setTransactionIsolation(isolation);
                }
                if (multiStatement && autoCommit) {
                    connection.setAutoCommit(true);
                }
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
            if (tableName.length() - tableName.indexOf('.') - 1 > 54) {
                throw new IllegalArgumentException("table name '" + tableName + "' is too long: the log tables"
                        + " add '_log_head', and PostgreSQL names have at most 63 characters (use at most 54)");
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
