package io.jasyncio.pg;

import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.Asyncio;
import io.jasyncio.CancelledError;
import io.jasyncio.Task;
import io.jasyncio.pg.PostgresErrors.DivisionByZeroError;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Reads of several tasks queued in one loop turn share one Sync (io.jasyncio.pg.protocol.SyncGroup): one implicit
 * transaction on the server. These tests show that it happens, and that an error or a cancellation in one query
 * of a group still touches only its own task (asyncpg's rule, which a Sync per query gives).
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SyncGroupTest {
    static PgCluster pg;

    @BeforeAll
    static void server() {
        pg = PgCluster.get();
    }

    /** A read with a transactional effect: it records its argument, then divides by it (0 fails after the insert). */
    private static void logCallFunction(Connection c) {
        c.execute("CREATE TEMP TABLE calls (v int)");
        c.execute("CREATE FUNCTION pg_temp.log_call(v int) RETURNS int LANGUAGE plpgsql AS "
                + "'BEGIN INSERT INTO calls VALUES (v); RETURN 100 / v; END'");
    }

    /** Grouping is off unless asked for (ConnectOptions.withGroupReads). */
    private static ConnectOptions grouping() {
        return ConnectOptions.parse(pg.dsn()).withGroupReads(true);
    }

    private static final String LOG_CALL = "SELECT pg_temp.log_call($1)";

    private static List<Integer> calls(Connection c) {
        List<Integer> vs = new ArrayList<>();
        for (Record r : c.fetch("SELECT v FROM calls ORDER BY v")) vs.add(r.getInt(0));
        return vs;
    }

    @Test
    void readsAreNotGroupedUnlessAskedFor() {
        Asyncio.run(() -> {
            try (Connection c = Pg.connect(pg.dsn())) {
                c.fetchval("SELECT $1::int, now()", 0);
                List<Task<Record>> ts = new ArrayList<>();
                for (int i = 0; i < 16; i++) {
                    int k = i;
                    ts.add(Asyncio.createTask(() -> c.fetchrow("SELECT $1::int, now()", k)));
                }
                Set<Object> starts = new HashSet<>();
                for (int i = 0; i < 16; i++) starts.add(Asyncio.await(ts.get(i)).get(1));
                assertEquals(16, starts.size(), "one transaction per query by default: " + starts);
            }
            return null;
        });
    }

    @Test
    void readsQueuedInOneTurnShareOneTransaction() {
        Asyncio.run(() -> {
            try (Connection c = Pg.connect(grouping())) {
                c.fetchval("SELECT $1::int, now()", 0); // prepared: the tasks below only encode and queue
                List<Task<Record>> ts = new ArrayList<>();
                for (int i = 0; i < 16; i++) {
                    int k = i;
                    ts.add(Asyncio.createTask(() -> c.fetchrow("SELECT $1::int, now()", k)));
                }
                Set<Object> starts = new HashSet<>();
                for (int i = 0; i < 16; i++) {
                    Record r = Asyncio.await(ts.get(i));
                    assertEquals(i, r.getInt(0));
                    starts.add(r.get(1));
                }
                // now() is the transaction's start: the first query went out alone (the connection was idle), the
                // fifteen queued behind it in the same turn ran in one transaction.
                assertEquals(2, starts.size(), "transaction starts: " + starts);
                // A group has at most 64 queries: 1 + 64 + 35.
                ts.clear();
                for (int i = 0; i < 100; i++) {
                    int k = i;
                    ts.add(Asyncio.createTask(() -> c.fetchrow("SELECT $1::int, now()", k)));
                }
                List<Object> order = new ArrayList<>();
                for (int i = 0; i < 100; i++) {
                    Record r = Asyncio.await(ts.get(i));
                    assertEquals(i, r.getInt(0));
                    if (order.isEmpty() || !order.getLast().equals(r.get(1))) order.add(r.get(1));
                }
                assertEquals(3, order.size(), "transaction starts: " + order);
            }
            return null;
        });
    }

    @Test
    void anErrorInOneQueryOfAGroupFailsOnlyItsTask() {
        Asyncio.run(() -> {
            try (Connection c = Pg.connect(grouping())) {
                logCallFunction(c);
                c.fetchval(LOG_CALL, 100);
                c.execute("TRUNCATE calls");
                // Ten tasks in one turn: the first alone, then 1..9 under one Sync; the fifth divides by zero after
                // its insert. The server rolls the group's transaction back, so the others must run again on their
                // own: each of their inserts is there exactly once, the failed one's is not.
                int[] args = {1, 2, 4, 5, 10, 0, 20, 25, 50, 100};
                List<Task<Integer>> ts = new ArrayList<>();
                for (int a : args) ts.add(Asyncio.createTask(() -> c.<Integer>fetchval(LOG_CALL, a)));
                for (int i = 0; i < args.length; i++) {
                    if (args[i] == 0) {
                        Task<Integer> t = ts.get(i);
                        assertThrows(DivisionByZeroError.class, () -> Asyncio.await(t));
                    } else {
                        assertEquals(100 / args[i], Asyncio.await(ts.get(i)));
                    }
                }
                assertEquals(List.of(1, 2, 4, 5, 10, 20, 25, 50, 100), calls(c));
                assertEquals(7, (int) c.fetchval("SELECT 7"), "the connection goes on");
            }
            return null;
        });
    }

    @Test
    void aFailingGroupInsideTheFirstQueryAndTheLast() {
        Asyncio.run(() -> {
            try (Connection c = Pg.connect(grouping())) {
                logCallFunction(c);
                c.fetchval(LOG_CALL, 100);
                c.execute("TRUNCATE calls");
                // The group is queries 1..4 of each round: its first member fails, then its last, then two of them.
                int[][] rounds = {{1, 0, 2, 4, 5}, {1, 2, 4, 5, 0}, {1, 0, 2, 0, 5}};
                for (int[] args : rounds) {
                    List<Task<Integer>> ts = new ArrayList<>();
                    for (int a : args) ts.add(Asyncio.createTask(() -> c.<Integer>fetchval(LOG_CALL, a)));
                    List<Integer> expected = new ArrayList<>();
                    for (int i = 0; i < args.length; i++) {
                        Task<Integer> t = ts.get(i);
                        if (args[i] == 0) {
                            assertThrows(DivisionByZeroError.class, () -> Asyncio.await(t));
                        } else {
                            assertEquals(100 / args[i], Asyncio.await(t));
                            expected.add(args[i]);
                        }
                    }
                    expected.sort(null);
                    assertEquals(expected, calls(c), java.util.Arrays.toString(args));
                    c.execute("TRUNCATE calls");
                }
            }
            return null;
        });
    }

    @Test
    void writesAndTransactionsAreNotGrouped() {
        Asyncio.run(() -> {
            try (Connection c = Pg.connect(grouping())) {
                c.execute("CREATE TEMP TABLE w (v int PRIMARY KEY)");
                c.execute("INSERT INTO w VALUES ($1)", 0);
                // Each INSERT has its own Sync: the duplicate fails alone, the others commit.
                List<Task<String>> ts = new ArrayList<>();
                int[] vs = {1, 2, 0, 3};
                for (int v : vs) ts.add(Asyncio.createTask(() -> c.execute("INSERT INTO w VALUES ($1)", v)));
                for (int i = 0; i < vs.length; i++) {
                    Task<String> t = ts.get(i);
                    if (vs[i] == 0) assertThrows(PostgresErrors.UniqueViolationError.class, () -> Asyncio.await(t));
                    else assertEquals("INSERT 0 1", Asyncio.await(t));
                }
                assertEquals(4L, (long) c.fetchval("SELECT count(*) FROM w"));
                // Inside a transaction nothing is grouped either: the reads queued in one turn run in it as before.
                try (Transaction tx = c.transaction()) {
                    tx.start();
                    List<Task<Integer>> rs = new ArrayList<>();
                    for (int i = 0; i < 4; i++) {
                        int k = i;
                        rs.add(Asyncio.createTask(() -> c.<Integer>fetchval("SELECT $1::int", k)));
                    }
                    for (int i = 0; i < 4; i++) assertEquals(i, Asyncio.await(rs.get(i)));
                    tx.commit();
                }
            }
            return null;
        });
    }

    @Test
    void cancellingOneTaskOfAGroupLeavesTheOthers() {
        Asyncio.run(() -> {
            try (Connection c = Pg.connect(grouping())) {
                logCallFunction(c);
                c.fetchval(LOG_CALL, 100);
                c.execute("TRUNCATE calls");
                int[] args = {1, 2, 4, 5, 10};
                List<Task<Integer>> ts = new ArrayList<>();
                for (int a : args) ts.add(Asyncio.createTask(() -> c.<Integer>fetchval(LOG_CALL, a)));
                Asyncio.sleep(0); // all five have submitted: 1 went out, 2..10 wait under one Sync for the turn's end
                ts.get(4).cancel(); // the group's last member, unsent: taken back, it never runs
                ts.get(2).cancel(); // in the middle: sent and run, its answer dropped
                for (int i : new int[] {0, 1, 3}) assertEquals(100 / args[i], Asyncio.await(ts.get(i)));
                for (int i : new int[] {2, 4}) {
                    Task<Integer> t = ts.get(i);
                    assertThrows(CancelledError.class, () -> Asyncio.await(t));
                }
                assertEquals(List.of(1, 2, 4, 5), calls(c));
                for (int i = 0; i < 20; i++) assertEquals(i, (int) c.<Integer>fetchval("SELECT $1::int", i), "answers stay in step");
            }
            return null;
        });
    }

    @Test
    void cancellingEveryTaskOfASentGroupCancelsItOnTheServer() {
        Asyncio.run(() -> {
            try (Connection c = Pg.connect(grouping())) {
                c.execute("SELECT pg_sleep($1)", 0.0);
                Task<String> first = Asyncio.createTask(() -> c.execute("SELECT pg_sleep($1)", 0.0));
                Task<String> a = Asyncio.createTask(() -> c.execute("SELECT pg_sleep($1)", 60.0));
                Task<String> b = Asyncio.createTask(() -> c.execute("SELECT pg_sleep($1)", 60.0));
                Asyncio.await(first);
                Asyncio.sleep(0.05); // the group of a and b is on the wire, a sleeping
                a.cancel();
                b.cancel();
                assertThrows(CancelledError.class, () -> Asyncio.await(a));
                assertThrows(CancelledError.class, () -> Asyncio.await(b));
                // A CancelRequest stopped the group (else this would wait two minutes and the test time out).
                assertEquals(3, (int) c.<Integer>fetchval("SELECT 3"));
            }
            return null;
        });
    }
}
