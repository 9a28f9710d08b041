package dev.titans4j.titans.store;

/** {@link PostgresTestDatabase} for tests of other packages. */
public final class PostgresAccess {

    private PostgresAccess() {
    }

    public static String requireUrl() {
        return PostgresTestDatabase.requireUrl();
    }

    public static String uniqueTableName() {
        return PostgresTestDatabase.uniqueTableName();
    }
}
