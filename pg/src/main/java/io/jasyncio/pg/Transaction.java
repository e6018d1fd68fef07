package io.jasyncio.pg;

import io.jasyncio.Coroutine;

/**
 * A transaction (asyncpg's {@code Transaction}): {@code BEGIN} with its isolation level, read-only and deferrable
 * settings, or a {@code SAVEPOINT} when another {@link Transaction} of the connection is running (a nested one must
 * not ask for other settings). Two forms:
 *
 * <pre>{@code
 * conn.transaction(() -> { conn.execute(...); return null; });   // commit on return, rollback on exception
 *
 * try (Transaction tx = conn.transaction().start()) {               // explicit
 *     conn.execute(...);
 *     tx.commit();
 * }                                                                  // close() rolls back if not committed
 * }</pre>
 *
 * A commit the server answers with ROLLBACK (the transaction had failed) is an {@link InterfaceError}: nothing was
 * committed. Starting one on a connection in a transaction begun by a plain {@code BEGIN} is refused, as asyncpg.
 *
 * <p>Threading: the connection's loop thread only.
 */
public final class Transaction implements AutoCloseable {
    private enum State { NEW, STARTED, COMMITTED, ROLLED_BACK, FAILED }

    private final Connection conn;
    private final IsolationLevel isolation;
    private final boolean readonly;
    private final boolean deferrable;
    private State state = State.NEW;
    private String savepoint;

    Transaction(Connection conn, IsolationLevel isolation, boolean readonly, boolean deferrable) {
        this.conn = conn;
        this.isolation = isolation;
        this.readonly = readonly;
        this.deferrable = deferrable;
    }

    /**
     * Starts it: BEGIN, or SAVEPOINT inside another transaction of this connection. Returns this.
     *
     * @return this transaction
     * @throws InterfaceError it was already started, or the connection is in a transaction begun with a plain BEGIN
     */
    public Transaction start() {
        if (state != State.NEW) throw new InterfaceError("cannot start the transaction: it is already " + describe());
        Session s = conn.s();
        Transaction top = s.topTransaction;
        if (top == null) {
            if (s.proto.txStatus() != 'I') {
                throw new InterfaceError("cannot use Connection.transaction() in a manually started transaction "
                        + "(a plain BEGIN): COMMIT or ROLLBACK it first");
            }
            StringBuilder sql = new StringBuilder("BEGIN");
            if (isolation != null) sql.append(" ISOLATION LEVEL ").append(isolation.sql);
            if (readonly) sql.append(" READ ONLY");
            if (deferrable) sql.append(" DEFERRABLE");
            s.topTransaction = this;
            try {
                s.executeScript(sql.toString(), null);
            } catch (Throwable e) {
                s.topTransaction = null;
                state = State.FAILED;
                throw e;
            }
        } else {
            if (isolation != null && isolation != top.isolation) {
                throw new InterfaceError("nested transaction has a different isolation level: current " + isolation
                        + " != outer " + top.isolation);
            }
            if (readonly != top.readonly || deferrable != top.deferrable) {
                throw new InterfaceError("nested transaction has different read-only or deferrable settings than the outer one");
            }
            savepoint = "__jasyncio_savepoint_" + (++s.savepoints);
            try {
                s.executeScript("SAVEPOINT " + savepoint, null);
            } catch (Throwable e) {
                state = State.FAILED;
                throw e;
            }
        }
        state = State.STARTED;
        return this;
    }

    /** Commits (RELEASE SAVEPOINT when nested). */
    public void commit() {
        check("commit");
        Session s = conn.s();
        String status;
        try {
            status = s.executeScript(savepoint != null ? "RELEASE SAVEPOINT " + savepoint : "COMMIT", null);
        } catch (Throwable e) {
            state = State.FAILED;
            if (savepoint == null && s.topTransaction == this) s.topTransaction = null;
            throw e;
        }
        if (savepoint == null) s.topTransaction = null;
        if ("ROLLBACK".equals(status)) {
            state = State.ROLLED_BACK;
            throw new InterfaceError("the transaction had failed (an error earlier in it), so COMMIT rolled it back: "
                    + "nothing was committed");
        }
        state = State.COMMITTED;
    }

    /** Rolls back (ROLLBACK TO SAVEPOINT when nested). */
    public void rollback() {
        check("rollback");
        Session s = conn.s();
        try {
            s.executeScript(savepoint != null ? "ROLLBACK TO SAVEPOINT " + savepoint : "ROLLBACK", null);
            state = State.ROLLED_BACK;
        } catch (Throwable e) {
            state = State.FAILED;
            throw e;
        } finally {
            if (savepoint == null && s.topTransaction == this) s.topTransaction = null;
        }
    }

    /** Rolls back if started and not yet committed or rolled back; else nothing. */
    @Override
    public void close() {
        if (state == State.STARTED && !conn.isClosed()) rollback();
    }

    /**
     * Starts, runs {@code body}, commits; rolls back (and rethrows) if it throws.
     *
     * @param <T> the body's result type
     * @param body the work, run in the calling task
     * @return what {@code body} returned, after the commit
     */
    public <T> T run(Coroutine<T> body) {
        start();
        T result;
        try {
            result = body.call();
        } catch (Throwable e) {
            if (state == State.STARTED && !conn.isClosed()) {
                try {
                    rollback();
                } catch (Throwable r) {
                    e.addSuppressed(r);
                }
            }
            throw Transaction.<RuntimeException>sneaky(e);
        }
        commit();
        return result;
    }

    /** Rethrows any throwable unchanged (a coroutine may throw checked exceptions). */
    @SuppressWarnings("unchecked")
    static <E extends Throwable> E sneaky(Throwable t) throws E {
        throw (E) t;
    }

    private void check(String what) {
        if (state != State.STARTED) throw new InterfaceError("cannot " + what + ": the transaction is " + describe());
    }

    private String describe() {
        return switch (state) {
            case NEW -> "not started";
            case STARTED -> "started";
            case COMMITTED -> "already committed";
            case ROLLED_BACK -> "already rolled back";
            case FAILED -> "in error (its BEGIN, COMMIT or ROLLBACK failed)";
        };
    }

    @Override
    public String toString() {
        return "Transaction[" + (savepoint != null ? "savepoint " + savepoint : "top") + ", " + describe() + "]";
    }
}
