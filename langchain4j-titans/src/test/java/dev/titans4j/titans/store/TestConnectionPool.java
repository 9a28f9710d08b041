package dev.titans4j.titans.store;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;

/**
 * The smallest connection pool that behaves like an application's: {@code close()} on a borrowed connection
 * returns it for reuse. Keeps the PostgreSQL tests fast (opening a connection costs ~10 ms) while the store code
 * runs unchanged; the {@code jdbcUrl} path without a pool has its own tests.
 */
final class TestConnectionPool implements AutoCloseable {

    private final String url;
    private final ConcurrentLinkedQueue<Connection> idle = new ConcurrentLinkedQueue<>();
    private final AtomicInteger opened = new AtomicInteger();

    TestConnectionPool(String url) {
        this.url = url;
    }

    DataSource dataSource() {
        return (DataSource) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {DataSource.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "getConnection" -> borrow();
                    case "toString" -> "TestConnectionPool[" + url + "]";
                    default -> throw new UnsupportedOperationException("DataSource." + method.getName());
                });
    }

    int opened() {
        return opened.get();
    }

    private Connection borrow() throws SQLException {
        Connection real = idle.poll();
        if (real == null) {
            real = DriverManager.getConnection(url);
            opened.incrementAndGet();
        }
        Connection connection = real;
        return (Connection) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Connection.class},
                (proxy, method, args) -> method.getName().equals("close") ? giveBack(connection)
                        : invoke(connection, method, args));
    }

    private Object giveBack(Connection connection) throws SQLException {
        if (!connection.getAutoCommit()) {
            connection.rollback();
        }
        idle.offer(connection);
        return null;
    }

    private static Object invoke(Connection connection, Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(connection, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    @Override
    public void close() throws SQLException {
        for (Connection c = idle.poll(); c != null; c = idle.poll()) {
            c.close();
        }
    }
}
