package dev.titans4j.titans.store;

import dev.titans4j.titans.format.CorruptStateException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The contract against a real PostgreSQL server, in a table unique to this run. */
class JdbcMemoryStateStoreTest extends MemoryStateStoreContractTest {

    /** One table and pool for the class (unique per run, dropped after); emptied after every test. */
    private static String url;
    private static String table;
    private static TestConnectionPool classPool;
    private final List<String> extraTables = new ArrayList<>();
    private final List<TestConnectionPool> extraPools = new ArrayList<>();

    /** Through a pool, as applications use it; the pool-less {@code jdbcUrl} path is tested further down. */
    @Override
    protected MemoryStateStore newStore() {
        if (url == null) {
            url = PostgresTestDatabase.requireUrl();
            table = PostgresTestDatabase.uniqueTableName();
            classPool = new TestConnectionPool(url);
        }
        return JdbcMemoryStateStore.builder().dataSource(classPool.dataSource()).tableName(table).build();
    }

    /** A second application instance: its own store object and connection pool, the same table. */
    @Override
    protected MemoryStateStore sameStorageStore() {
        TestConnectionPool pool = new TestConnectionPool(url);
        extraPools.add(pool);
        return JdbcMemoryStateStore.builder().dataSource(pool.dataSource()).tableName(table).build();
    }

    @AfterEach
    void emptyTable() throws Exception {
        for (TestConnectionPool pool : extraPools) {
            pool.close();
        }
        for (String extra : extraTables) {
            PostgresTestDatabase.dropTable(url, extra);
        }
        if (table != null) {
            PostgresTestDatabase.execute(url, "TRUNCATE " + table + ", " + table + "_log, " + table + "_log_head");
        }
    }

    @AfterAll
    static void dropTable() throws Exception {
        if (table != null) {
            classPool.close();
            PostgresTestDatabase.dropTable(url, table);
        }
    }

    @Test
    void createsTheDocumentedTable() throws Exception {
        try (Connection connection = DriverManager.getConnection(url);
             var columns = connection.createStatement().executeQuery(
                     "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = '"
                             + table + "' ORDER BY ordinal_position")) {
            List<String> found = new ArrayList<>();
            while (columns.next()) {
                found.add(columns.getString(1) + " " + columns.getString(2));
            }
            assertThat(found).containsExactly("memory_id text", "version bigint", "state bytea",
                    "updated_at timestamp with time zone");
        }
    }

    @Test
    void instancesCreatingTheSameTableAtOnceAllSucceed() throws Exception {
        String table = PostgresTestDatabase.uniqueTableName();
        extraTables.add(table);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Callable<JdbcMemoryStateStore>> builds = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                builds.add(() -> JdbcMemoryStateStore.builder().jdbcUrl(url).tableName(table).build());
            }
            List<JdbcMemoryStateStore> stores = new ArrayList<>();
            for (Future<JdbcMemoryStateStore> f : pool.invokeAll(builds)) {
                stores.add(f.get());
            }
            stores.get(0).save("x", bytes("shared"), 0);
            assertThat(stores.get(3).load("x").orElseThrow().bytes()).isEqualTo(bytes("shared"));
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void schemaQualifiedTableNameWorks() throws Exception {
        String schema = PostgresTestDatabase.uniqueTableName();
        PostgresTestDatabase.execute(url, "CREATE SCHEMA " + schema);
        try {
            MemoryStateStore qualified = JdbcMemoryStateStore.builder().jdbcUrl(url)
                    .tableName(schema + ".states").build();
            qualified.save("a", bytes("in schema"), 0);
            assertThat(qualified.load("a").orElseThrow().bytes()).isEqualTo(bytes("in schema"));
            assertThat(store.load("a")).as("another table").isEmpty();
        } finally {
            PostgresTestDatabase.execute(url, "DROP SCHEMA " + schema + " CASCADE");
        }
    }

    @Test
    void worksWithoutAPoolThroughAJdbcUrl() {
        MemoryStateStore direct = JdbcMemoryStateStore.builder().jdbcUrl(url).tableName(table).build();

        long version = direct.save("direct", bytes("one"), 0);
        assertThat(store.load("direct")).contains(new StoredState(bytes("one"), version));
        assertThat(direct.update("direct", current -> bytes("two")).version()).isEqualTo(version + 1);
        assertThatThrownBy(() -> direct.save("direct", bytes("stale"), version))
                .isInstanceOf(StateConflictException.class);
        assertThat(direct.ids()).containsExactly("direct");
        assertThat(direct.delete("direct")).isTrue();
        assertThat(direct.load("direct")).isEmpty();
    }

    @Test
    void invalidRowIsReportedNotReturned() throws Exception {
        store.save("broken", bytes("x"), 0);
        PostgresTestDatabase.execute(url, "UPDATE " + table + " SET version = 0");

        assertThatThrownBy(() -> store.load("broken")).isInstanceOf(CorruptStateException.class)
                .hasMessageContaining("row of memory id 'broken' in table " + table + " is invalid (version 0");
    }

    @Test
    void missingTableWithoutCreationGivesAClearError() {
        String absent = PostgresTestDatabase.uniqueTableName();
        MemoryStateStore noTable = JdbcMemoryStateStore.builder().jdbcUrl(url).tableName(absent)
                .createTable(false).build();

        assertThatThrownBy(() -> noTable.load("a")).isInstanceOf(MemoryStateStoreException.class)
                .hasMessageContaining("cannot load memory state 'a' in table " + absent)
                .hasMessageContaining("does not exist");
    }

    /**
     * A delete that removed the log head but not yet the records must not let an append in between create a new log
     * whose records it then deletes (a head without its records: every later reader finds a gap).
     */
    @Test
    void anAppendRacingADeleteNeverLosesItsRecordToTheDelete() throws Exception {
        long generation = store.append("raced", bytes("old 1")).generation();
        store.append("raced", bytes("old 2"));
        store.saveSnapshot("raced", generation, 2, bytes("state after 2"));
        CountDownLatch reached = new CountDownLatch(1);
        CountDownLatch go = new CountDownLatch(1);
        MemoryStateStore deleter = JdbcMemoryStateStore.builder().createTable(false).tableName(table)
                .dataSource(pausingBefore("DELETE FROM " + table + "_log WHERE", reached, go)).build();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<Boolean> delete = pool.submit(() -> deleter.delete("raced"));
            assertThat(reached.await(10, TimeUnit.SECONDS)).as("the delete reached its log records").isTrue();
            Future<LogPosition> append = pool.submit(() -> store.append("raced", bytes("new 1")));
            try {
                append.get(500, TimeUnit.MILLISECONDS);
            } catch (TimeoutException waitsForTheDelete) {
                // as it should: the delete is one transaction
            }
            go.countDown();
            assertThat(delete.get(10, TimeUnit.SECONDS)).isTrue();
            LogPosition appended = append.get(10, TimeUnit.SECONDS);

            MemoryLog log = store.readLog("raced", 0, 0);
            assertThat(log.generation()).isEqualTo(appended.generation()).isNotEqualTo(generation);
            assertThat(log.snapshot()).isNull();
            assertThat(log.records()).extracting(r -> new String(r.bytes(), StandardCharsets.UTF_8))
                    .containsExactly("new 1");
        } finally {
            go.countDown();
            pool.shutdownNow();
        }
    }

    /** The class pool, with every statement starting with {@code sqlPrefix} held until {@code go} opens. */
    private static DataSource pausingBefore(String sqlPrefix, CountDownLatch reached, CountDownLatch go) {
        DataSource pooled = classPool.dataSource();
        return (DataSource) Proxy.newProxyInstance(JdbcMemoryStateStoreTest.class.getClassLoader(),
                new Class<?>[] {DataSource.class}, (proxy, method, args) -> {
                    if (!method.getName().equals("getConnection")) {
                        return method.invoke(pooled, args);
                    }
                    Connection connection = pooled.getConnection();
                    return Proxy.newProxyInstance(JdbcMemoryStateStoreTest.class.getClassLoader(),
                            new Class<?>[] {Connection.class}, (p, m, a) -> {
                                if (m.getName().equals("prepareStatement") && ((String) a[0]).startsWith(sqlPrefix)) {
                                    reached.countDown();
                                    go.await();
                                }
                                try {
                                    return m.invoke(connection, a);
                                } catch (InvocationTargetException e) {
                                    throw e.getCause();
                                }
                            });
                });
    }

    /** Pools often hand out connections with auto-commit off; the store must commit its own work. */
    @Test
    void commitsOnConnectionsWithoutAutoCommit() {
        DataSource manualCommit = (DataSource) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {DataSource.class}, (proxy, method, args) -> {
                    if (!method.getName().equals("getConnection") || args != null) {
                        throw new UnsupportedOperationException(method.getName());
                    }
                    Connection connection = DriverManager.getConnection(url);
                    connection.setAutoCommit(false);
                    return connection;
                });
        MemoryStateStore pooled = JdbcMemoryStateStore.builder().dataSource(manualCommit).tableName(table).build();

        long version = pooled.save("committed", bytes("one"), 0);
        long second = pooled.save("committed", bytes("two"), version);
        assertThatThrownBy(() -> pooled.save("committed", bytes("stale"), version))
                .isInstanceOf(StateConflictException.class);

        assertThat(store.load("committed")).contains(new StoredState(bytes("two"), second));
        assertThat(pooled.delete("committed")).isTrue();
        assertThat(store.ids()).isEmpty();
    }
}
