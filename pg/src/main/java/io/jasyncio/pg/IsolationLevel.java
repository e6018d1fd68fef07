package io.jasyncio.pg;

/**
 * A transaction's isolation level ({@code BEGIN ISOLATION LEVEL ...}).
 *
 * <p>Threading: constants.
 */
public enum IsolationLevel {
    READ_UNCOMMITTED("READ UNCOMMITTED"),
    READ_COMMITTED("READ COMMITTED"),
    REPEATABLE_READ("REPEATABLE READ"),
    SERIALIZABLE("SERIALIZABLE");

    final String sql;

    IsolationLevel(String sql) {
        this.sql = sql;
    }
}
