package io.jasyncio.pg;

import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.Asyncio;
import io.jasyncio.CancelledError;
import io.jasyncio.Task;
import io.jasyncio.TimeoutError;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Cancelling a query: the task sees CancelledError at once, the server stops the query (CancelRequest), and the
 * connection goes on. Each "it was really stopped" check runs the next query with a 10 s limit behind a 60 s
 * pg_sleep: without the CancelRequest it would time out.
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class CancelTest {
    static PgCluster pg;
    static final Duration PROMPT = Duration.ofSeconds(10);

    @BeforeAll
    static void server() {
        pg = PgCluster.get();
    }

    /** Waits until the server runs {@code sql} on some backend (seen from another connection). */
    private static void awaitRunning(Connection watcher, String sql) {
        while ((long) watcher.fetchval("SELECT count(*) FROM pg_stat_activity WHERE state = 'active' AND query = $1", sql) == 0) {
            Asyncio.sleep(0.01);
        }
    }

    @Test
    void cancellingATaskStopsItsQueryAndTheConnectionGoesOn() {
        Asyncio.run(() -> {
            try (Connection c = Pg.connect(pg.dsn()); Connection watcher = Pg.connect(pg.dsn())) {
                Task<Object> t = Asyncio.createTask(() -> c.fetchval("SELECT pg_sleep(60)"));
                awaitRunning(watcher, "SELECT pg_sleep(60)");
                t.cancel();
                assertThrows(CancelledError.class, () -> Asyncio.await(t));
                assertEquals(2, (int) c.fetchval(PROMPT, "SELECT 2"));
                assertFalse(c.isInTransaction());
                // In a transaction: the cancelled statement fails it, as any error does; rollback works.
                c.execute("BEGIN");
                Task<Object> t2 = Asyncio.createTask(() -> c.execute("SELECT pg_sleep(60)"));
                awaitRunning(watcher, "SELECT pg_sleep(60)");
                t2.cancel();
                assertThrows(CancelledError.class, () -> Asyncio.await(t2));
                assertThrows(PostgresErrors.InFailedSqlTransactionError.class, () -> c.fetchval(PROMPT, "SELECT 3"));
                c.execute("ROLLBACK");
                assertEquals(4, (int) c.fetchval(PROMPT, "SELECT 4"));
            }
            return null;
        });
    }

    @Test
    void timeoutsPerQueryPerConnectionAndAsyncioTimeout() {
        Asyncio.run(() -> {
            try (Connection c = Pg.connect(pg.dsn())) {
                assertThrows(TimeoutError.class, () -> c.fetchval(Duration.ofMillis(200), "SELECT pg_sleep(60)"));
                assertEquals(1, (int) c.fetchval(PROMPT, "SELECT 1"));
                assertThrows(TimeoutError.class, () -> Asyncio.timeout(0.2, () -> c.execute("SELECT pg_sleep(60)")));
                assertEquals(2, (int) c.fetchval(PROMPT, "SELECT 2"));
            }
            try (Connection c = Pg.connect(ConnectOptions.parse(pg.dsn()).withCommandTimeout(0.2))) {
                assertThrows(TimeoutError.class, () -> c.execute("SELECT pg_sleep(60)"));
                assertThrows(TimeoutError.class, () -> c.fetch("SELECT pg_sleep(60)"));
                // Usable after: this query first waits for the cancelled ones to drain (a CancelRequest round trip),
                // which a busy machine can stretch past the 0.2 s command timeout, so it gives its own.
                assertEquals(3, (int) c.fetchval(PROMPT, "SELECT 3"));
            }
            return null;
        });
    }

    @Test
    void aCancelNeverHitsTheQueryPipelinedAfterIt() {
        Asyncio.run(() -> {
            try (Connection c = Pg.connect(pg.dsn())) {
                // Both go out in one write; cancelling the first must not send a CancelRequest (it could stop the
                // second): the first runs to its end, unseen, and the second answers.
                Task<Object> first = Asyncio.createTask(() -> c.fetchval("SELECT pg_sleep(0.3)"));
                Task<Object> second = Asyncio.createTask(() -> c.fetchval("SELECT 'second'"));
                Asyncio.sleep(0); // both submitted
                first.cancel();
                assertThrows(CancelledError.class, () -> Asyncio.await(first));
                assertEquals("second", Asyncio.await(second));
                List<Task<Integer>> more = new ArrayList<>();
                for (int i = 0; i < 20; i++) {
                    int k = i;
                    more.add(Asyncio.createTask(() -> c.<Integer>fetchval("SELECT $1::int", k)));
                }
                more.get(5).cancel();
                for (int i = 0; i < 20; i++) {
                    if (i == 5) assertTrue(more.get(i).cancelled());
                    else assertEquals(i, Asyncio.await(more.get(i)));
                }
            }
            return null;
        });
    }

    @Test
    void aQueryCancelledBeforeItsBytesLeftIsTakenBackOrDropped() {
        Asyncio.run(() -> {
            try (Connection c = Pg.connect(pg.dsn())) {
                c.execute("CREATE TEMP SEQUENCE cancel_seq");
                c.fetchval("SELECT $1::int + 0 * nextval('cancel_seq')", 0); // prepared: the tasks below only encode and queue
                // The first goes out at once (the connection was idle); the others wait in the buffer for the end of
                // the loop turn. Each query that reaches the server advances the sequence.
                List<Task<Long>> ts = new ArrayList<>();
                for (int i = 1; i <= 4; i++) {
                    int k = i;
                    ts.add(Asyncio.createTask(() -> c.<Long>fetchval("SELECT $1::int + 0 * nextval('cancel_seq')", k)));
                }
                Asyncio.sleep(0); // the four tasks have submitted; the end-of-turn write has not run yet
                ts.get(3).cancel(); // the last in the buffer: its bytes are taken back, it never runs
                ts.get(1).cancel(); // in the middle: it is sent and runs; its answer is dropped
                assertEquals(1L, Asyncio.await(ts.get(0)));
                assertEquals(3L, Asyncio.await(ts.get(2)));
                assertTrue(ts.get(1).cancelled() && ts.get(3).cancelled());
                assertEquals(4L, (long) c.fetchval(PROMPT, "SELECT last_value FROM cancel_seq"), "the warm-up and three of the four ran");
                for (int i = 0; i < 20; i++) assertEquals(i, (int) c.fetchval(PROMPT, "SELECT $1::int", i), "answers stay in step");
            }
            return null;
        });
    }

    @Test
    void aCancelWaitsUntilItsQueryIsTheOneRunning() {
        Asyncio.run(() -> {
            try (Connection c = Pg.connect(pg.dsn()); Connection watcher = Pg.connect(pg.dsn())) {
                // The second query is the last on the wire but the server is still running the first: a
                // CancelRequest now would stop the first. It must wait until the second one runs.
                Task<Object> first = Asyncio.createTask(() -> c.fetchval("SELECT 'first' FROM pg_sleep(0.5)"));
                Task<Object> second = Asyncio.createTask(() -> c.fetchval("SELECT pg_sleep(60)"));
                awaitRunning(watcher, "SELECT 'first' FROM pg_sleep(0.5)");
                second.cancel();
                assertThrows(CancelledError.class, () -> Asyncio.await(second));
                assertEquals("first", Asyncio.await(first));
                assertEquals(5, (int) c.fetchval(PROMPT, "SELECT 5"));
            }
            return null;
        });
    }

    @Test
    void cancellingABatchOrACopyCommitsNothing() {
        Asyncio.run(() -> {
            try (Connection c = Pg.connect(pg.dsn())) {
                c.execute("CREATE TEMP TABLE cb (id int, t text)");
                // A batch whose rows come slowly (each row waits): cancelled midway.
                Iterable<Object> slow = () -> new java.util.Iterator<>() {
                    int i;

                    public boolean hasNext() {
                        return i < 1_000_000;
                    }

                    public Object next() {
                        if (i % 5000 == 0) Asyncio.sleep(0.001);
                        return List.of(i++, "x".repeat(50));
                    }
                };
                Task<Void> batch = Asyncio.createTask(() -> {
                    c.executemany("INSERT INTO cb VALUES ($1, $2)", slow);
                    return null;
                });
                Asyncio.sleep(0.2);
                batch.cancel();
                assertThrows(CancelledError.class, () -> Asyncio.await(batch));
                assertEquals(0L, (long) c.fetchval(PROMPT, "SELECT count(*) FROM cb"));
                Task<String> copy = Asyncio.createTask(() -> c.copyRecordsToTable("cb", slow));
                Asyncio.sleep(0.2);
                copy.cancel();
                assertThrows(CancelledError.class, () -> Asyncio.await(copy));
                assertEquals(0L, (long) c.fetchval(PROMPT, "SELECT count(*) FROM cb"));
                c.executemany("INSERT INTO cb VALUES ($1, $2)", List.of(List.of(1, "a")));
                assertEquals(1L, (long) c.fetchval(PROMPT, "SELECT count(*) FROM cb"));
            }
            return null;
        });
    }

    @Test
    void aCancelledFirstUseDoesNotSpoilTheSharedPrepare() {
        Asyncio.run(() -> {
            try (Connection c = Pg.connect(pg.dsn())) {
                Task<Object> a = Asyncio.createTask(() -> c.fetchval("SELECT 'shared'::text"));
                Task<Object> b = Asyncio.createTask(() -> c.fetchval("SELECT 'shared'::text"));
                Asyncio.sleep(0);
                a.cancel();
                assertEquals("shared", Asyncio.await(b));
                assertTrue(a.cancelled());
                assertEquals("shared", c.fetchval("SELECT 'shared'::text"));
            }
            return null;
        });
    }
}
