package io.jasyncio.pg;

/**
 * A transaction's isolation level ({@code BEGIN ISOLATION LEVEL ...}).
 *
 * <p>Threading: constants.
 */
public enum IsolationLevel {
    /** READ UNCOMMITTED (PostgreSQL runs it as READ COMMITTED). */
    READ_UNCOMMITTED("READ UNCOMMITTED"),
    /** READ COMMITTED: each statement sees what was committed before it began (PostgreSQL's default). */
    READ_COMMITTED("READ COMMITTED"),
    /** REPEATABLE READ: every statement sees the snapshot taken at the transaction's first statement. */
    REPEATABLE_READ("REPEATABLE READ"),
    /**
     * SERIALIZABLE: as REPEATABLE READ, and a transaction that could not have run serially fails with {@code
     * SerializationError}.
     */
    SERIALIZABLE("SERIALIZABLE");

    final String sql;

    IsolationLevel(String sql) {
        this.sql = sql;
    }
}
