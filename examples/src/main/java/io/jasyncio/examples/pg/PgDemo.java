package io.jasyncio.examples.pg;

import io.jasyncio.Asyncio;
import io.jasyncio.Future;
import io.jasyncio.Task;
import io.jasyncio.pg.Connection;
import io.jasyncio.pg.Pg;
import io.jasyncio.pg.Pool;
import io.jasyncio.pg.PoolOptions;
import io.jasyncio.pg.PostgresErrors.CheckViolationError;
import io.jasyncio.pg.Record;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/**
 * Seed 004's "async database driver", for real: a bank of accounts in PostgreSQL through jasyncio's driver
 * ({@code io.jasyncio.pg}), showing a pool, binary COPY, transactions (one that commits, one that a CHECK
 * constraint rolls back), LISTEN/NOTIFY (a trigger notifies each transfer to a listening connection), pipelined
 * queries on one connection, and a cursor. {@code bin/jasyncio pg-demo --dsn ...} or {@code --local}.
 *
 * <p>Threading: {@link #run} is a coroutine of the running loop.
 */
public final class PgDemo {
    private PgDemo() {}

    /** What the demo did, for its test. */
    public record Summary(int accounts, BigDecimal totalBefore, BigDecimal totalAfter, int transfers, int rolledBack,
            List<String> notifications, int pipelined, long cursorRows) {}

    /** Runs the demo against {@code dsn}, narrating on {@code out}; leaves no table behind. */
    public static Summary run(String dsn, int accounts, PrintStream out) {
        try (Pool pool = Pg.createPool(dsn, PoolOptions.defaults().withSize(2, 4))) {
            out.printf("pool: %d connections to %s%n", pool.getSize(), dsn.replaceAll(":[^:@/]*@", ":***@"));
            pool.execute("DROP TABLE IF EXISTS demo_accounts; "
                    + "CREATE TABLE demo_accounts (id int PRIMARY KEY, owner text NOT NULL, "
                    + "balance numeric(12,2) NOT NULL CHECK (balance >= 0)); "
                    + "CREATE OR REPLACE FUNCTION demo_notify() RETURNS trigger AS $$ BEGIN "
                    + "PERFORM pg_notify('demo_transfers', NEW.id || ':' || NEW.balance); RETURN NEW; END $$ LANGUAGE plpgsql; "
                    + "CREATE TRIGGER demo_accounts_notify AFTER UPDATE ON demo_accounts FOR EACH ROW EXECUTE FUNCTION demo_notify()");
            try {
                return steps(pool, accounts, out);
            } finally {
                pool.execute("DROP TABLE IF EXISTS demo_accounts; DROP FUNCTION IF EXISTS demo_notify()");
            }
        }
    }

    private static Summary steps(Pool pool, int n, PrintStream out) {
        // COPY: the accounts go in as one binary COPY.
        List<Object[]> rows = new ArrayList<>(n);
        for (int i = 1; i <= n; i++) rows.add(new Object[] {i, "owner-" + i, BigDecimal.valueOf(100)});
        long t0 = System.nanoTime();
        String copied;
        try (Connection c = pool.acquire()) {
            copied = c.copyRecordsToTable("demo_accounts", rows);
        }
        out.printf("COPY: %s (%d accounts) in %.1f ms%n", copied, n, (System.nanoTime() - t0) / 1e6);
        BigDecimal before = pool.fetchval("SELECT sum(balance) FROM demo_accounts");

        // LISTEN on one connection, held for the demo; the trigger notifies every balance change.
        List<String> notes = new ArrayList<>();
        Future<Void> allNoted = Asyncio.getRunningLoop().createFuture();
        try (Connection listener = pool.acquire()) {
            listener.addListener("demo_transfers", (conn, pid, channel, payload) -> {
                notes.add(payload);
                if (notes.size() == 2 && !allNoted.done()) allNoted.setResult(null);
            });
            out.println("LISTEN demo_transfers on connection pid " + listener.getServerPid());

            // A transaction that commits: 30 from account 1 to account 2.
            try (Connection c = pool.acquire()) {
                c.transaction(() -> transfer(c, 1, 2, "30.00"));
            }
            out.println("transaction: moved 30.00 from account 1 to 2, committed");
            // One that fails: account 3 has 100, cannot give 500: the CHECK fails and the whole transfer rolls back.
            int rolledBack = 0;
            try (Connection c = pool.acquire()) {
                c.transaction(() -> transfer(c, 4, 3, "500.00"));
            } catch (CheckViolationError e) {
                rolledBack++;
                out.println("transaction: moving 500.00 from account 4 to 3 failed (" + e.constraintName() + "), rolled back");
            }
            Asyncio.waitFor(allNoted, 10.0);
            out.println("NOTIFY: the listener heard " + notes);

            // Pipelining: many tasks share one connection; their queries go out together.
            int tasks = 1000;
            long t1 = System.nanoTime();
            int ok = 0;
            try (Connection c = pool.acquire()) {
                List<Task<BigDecimal>> ts = new ArrayList<>();
                for (int i = 0; i < tasks; i++) {
                    int id = 1 + i % n;
                    ts.add(Asyncio.createTask(() -> c.<BigDecimal>fetchval("SELECT balance FROM demo_accounts WHERE id = $1", id)));
                }
                for (Task<BigDecimal> t : ts) if (Asyncio.await(t) != null) ok++;
            }
            out.printf("pipelining: %d queries from %d tasks on one connection in %.1f ms%n", ok, tasks, (System.nanoTime() - t1) / 1e6);

            // A cursor streams the table in batches inside a transaction.
            long[] seen = {0};
            BigDecimal[] sum = {BigDecimal.ZERO};
            try (Connection c = pool.acquire()) {
                c.transaction(() -> {
                    for (Record r : c.cursor(500, "SELECT balance FROM demo_accounts ORDER BY id")) {
                        sum[0] = sum[0].add(r.getBigDecimal(0));
                        seen[0]++;
                    }
                    return null;
                });
            }
            out.printf("cursor: %d rows in batches of 500, total %s (before: %s)%n", seen[0], sum[0], before);
            return new Summary(n, before, sum[0], 1, rolledBack, List.copyOf(notes), ok, seen[0]);
        }
    }

    private static Void transfer(Connection c, int from, int to, String amount) {
        BigDecimal a = new BigDecimal(amount);
        c.execute("UPDATE demo_accounts SET balance = balance + $1 WHERE id = $2", a, to);
        c.execute("UPDATE demo_accounts SET balance = balance - $1 WHERE id = $2", a, from);
        return null;
    }
}
