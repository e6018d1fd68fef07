package io.jasyncio.pg;

import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.Asyncio;
import io.jasyncio.CancelledError;
import io.jasyncio.Future;
import io.jasyncio.Task;
import io.jasyncio.TimeoutError;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The pool: sizes, waiting and acquire timeout, reset on release, replacement of dropped and worn connections. */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class PoolTest {
    static PgCluster pg;

    @BeforeAll
    static void server() {
        pg = PgCluster.get();
    }

    @Test
    void sizesWaitersAndAcquireTimeout() {
        Asyncio.run(() -> {
            try (Pool pool = Pg.createPool(pg.dsn(), PoolOptions.defaults().withSize(2, 3).withAcquireTimeout(0.3))) {
                assertEquals(2, pool.getSize());
                assertEquals(2, pool.getIdleSize());
                Connection a = pool.acquire();
                Connection b = pool.acquire();
                Connection c = pool.acquire();
                assertEquals(3, pool.getSize());
                TimeoutError e = assertThrows(TimeoutError.class, pool::acquire);
                assertTrue(e.getMessage().contains("acquireTimeout"), e.getMessage());
                Task<Integer> waiter = Asyncio.createTask(() -> {
                    try (Connection d = pool.acquire()) {
                        return d.fetchval("SELECT 4");
                    }
                });
                Asyncio.sleep(0.05);
                assertFalse(waiter.done(), "waits for a free connection");
                b.close();
                assertEquals(4, Asyncio.await(waiter));
                InterfaceError used = assertThrows(InterfaceError.class, () -> b.fetchval("SELECT 1"));
                assertTrue(used.getMessage().contains("released"), used.getMessage());
                a.close();
                c.close();
            }
            // The shortcuts, with many tasks on few connections: a pool without the 0.3 s acquire timeout above,
            // which a busy machine can exceed while 50 tasks queue for 3 connections (a timing, not a behaviour).
            try (Pool pool = Pg.createPool(pg.dsn(), PoolOptions.defaults().withSize(2, 3))) {
                List<Task<Object>> ts = new ArrayList<>();
                for (int i = 0; i < 50; i++) {
                    int k = i;
                    ts.add(Asyncio.createTask(() -> pool.fetchval("SELECT $1::int * 2", k)));
                }
                for (int i = 0; i < 50; i++) assertEquals(i * 2, Asyncio.await(ts.get(i)));
                assertTrue(pool.getSize() <= 3);
            }
            return null;
        });
    }

    @Test
    void releaseResetsTheSession() {
        Asyncio.run(() -> {
            try (Pool pool = Pg.createPool(pg.dsn(), PoolOptions.defaults().withSize(1, 1))) {
                int pid;
                try (Connection c = pool.acquire()) {
                    pid = c.getServerPid();
                    c.execute("SET work_mem = '7MB'");
                    c.addListener("pool_chan", (x, p, ch, pl) -> { });
                    c.execute("BEGIN");
                    c.execute("CREATE TEMP TABLE left_open (v int)");
                } // released inside a transaction: rolled back by the reset
                try (Connection c = pool.acquire()) {
                    assertEquals(pid, c.getServerPid(), "the same connection");
                    assertEquals("4MB", c.fetchval("SHOW work_mem"));
                    assertEquals(0L, (long) c.fetchval("SELECT count(*) FROM pg_listening_channels()"));
                    assertFalse(c.isInTransaction());
                    assertNull(c.fetchval("SELECT to_regclass('left_open')"));
                }
            }
            return null;
        });
    }

    @Test
    void acquireCancelledDuringItsHealthCheckGivesBackTheSlot() {
        Asyncio.run(() -> {
            try (Pool pool = Pg.createPool(pg.dsn(), PoolOptions.defaults().withSize(1, 1).withHealthCheckAfter(0.0)
                    .withAcquireTimeout(10.0))) {
                pool.acquire().close(); // idle now: the next acquire health-checks it
                Task<Connection> t = Asyncio.createTask(pool::acquire);
                Asyncio.sleep(0); // t ran until it awaits its health check's answer
                assertFalse(t.done(), "waiting for the health check");
                t.cancel();
                assertThrows(CancelledError.class, () -> Asyncio.await(t));
                // The checked connection was closed with the cancelled check: its slot must be free again,
                // else the pool counts a connection it no longer has and every later acquire times out.
                try (Connection c = pool.acquire()) {
                    assertEquals(1, (int) c.fetchval("SELECT 1"));
                }
                assertEquals(1, pool.getSize());
            }
            return null;
        });
    }

    @Test
    void droppedAndWornConnectionsAreReplaced() {
        Asyncio.run(() -> {
            // healthCheckAfter 0: every acquire checks its connection (else one dropped a moment ago, whose FATAL
            // message has not been read yet, may be handed out once and fail its first query).
            try (Pool pool = Pg.createPool(pg.dsn(), PoolOptions.defaults().withSize(2, 2).withMaxQueries(5).withHealthCheckAfter(0.0));
                    Connection admin = Pg.connect(pg.dsn())) {
                Set<Integer> pids = new HashSet<>();
                List<Connection> both = List.of(pool.acquire(), pool.acquire());
                for (Connection c : both) pids.add(c.getServerPid());
                for (Connection c : both) c.close();
                // The server drops both idle connections: the pool replaces them.
                for (int p : pids) admin.execute("SELECT pg_terminate_backend($1)", p);
                for (int i = 0; i < 4; i++) {
                    try (Connection c = pool.acquire()) {
                        assertEquals(1, (int) c.fetchval("SELECT 1"));
                        assertFalse(pids.contains(c.getServerPid()), "a new connection");
                    }
                }
                // One at a time, the pool may have needed only one replacement so far (when the second termination
                // is noticed is the server's timing): two at once need both.
                List<Connection> two = List.of(pool.acquire(), pool.acquire());
                for (Connection c : two) {
                    assertEquals(1, (int) c.fetchval("SELECT 1"));
                    assertFalse(pids.contains(c.getServerPid()), "a new connection");
                }
                for (Connection c : two) c.close();
                assertEquals(2, pool.getSize());
                // maxQueries: a connection that served 5 queries is closed on release and replaced.
                int first;
                try (Connection c = pool.acquire()) {
                    first = c.getServerPid();
                    for (int i = 0; i < 5; i++) c.fetchval("SELECT 1");
                }
                Set<Integer> now = new HashSet<>();
                for (Connection c : List.of(pool.acquire(), pool.acquire())) {
                    now.add(c.getServerPid());
                    c.close();
                }
                assertFalse(now.contains(first), "the worn connection was replaced");
                // A connection dropped while in use: its waiter fails, the release replaces it.
                Connection c = pool.acquire();
                admin.execute("SELECT pg_terminate_backend($1)", c.getServerPid());
                assertThrows(RuntimeException.class, () -> c.fetchval(Duration.ofSeconds(10), "SELECT 1"));
                c.close();
                assertEquals(1, (int) pool.fetchval("SELECT 1"));
            }
            return null;
        });
    }

    @Test
    void aCancelledQueryIsSettledBeforeTheConnectionIsReused() {
        Asyncio.run(() -> {
            try (Pool pool = Pg.createPool(pg.dsn(), PoolOptions.defaults().withSize(1, 1))) {
                Future<Void> started = Asyncio.getRunningLoop().createFuture();
                Task<Object> t = Asyncio.createTask(() -> {
                    try (Connection c = pool.acquire()) {
                        Task<Object> q = Asyncio.createTask(() -> c.fetchval("SELECT pg_sleep(60)"));
                        Asyncio.sleep(0.05);
                        started.setResult(null);
                        return Asyncio.await(q);
                    }
                });
                Asyncio.await(started);
                t.cancel();
                assertThrows(CancelledError.class, () -> Asyncio.await(t));
                assertEquals(9, (int) pool.fetchval("SELECT 9"), "the next user gets a settled connection");
            }
            return null;
        });
    }

    @Test
    void idleConnectionsBeyondMinSizeExpire() {
        Asyncio.run(() -> {
            try (Pool pool = Pg.createPool(pg.dsn(), PoolOptions.defaults().withSize(1, 3).withMaxInactiveConnectionLifetime(0.1))) {
                List<Connection> three = List.of(pool.acquire(), pool.acquire(), pool.acquire());
                assertEquals(3, pool.getSize());
                for (Connection c : three) c.close();
                Asyncio.sleep(0.3); // the expiry timers (0.1 s after each release) run before this sleep's own timer
                assertEquals(1, pool.getSize(), "back to minSize");
                assertEquals(1, (int) pool.fetchval("SELECT 1"));
            }
            return null;
        });
    }

    @Test
    void closeWaitsForConnectionsInUse() {
        Asyncio.run(() -> {
            Pool pool = Pg.createPool(pg.dsn(), PoolOptions.defaults().withSize(1, 2));
            Connection c = pool.acquire();
            Task<Void> closer = Asyncio.createTask(() -> {
                pool.close();
                return null;
            });
            Asyncio.sleep(0.05);
            assertFalse(closer.done(), "close waits for the connection in use");
            assertThrows(InterfaceError.class, pool::acquire);
            assertEquals(1, (int) c.fetchval("SELECT 1"));
            c.close();
            Asyncio.await(closer);
            assertEquals(0, pool.getSize());
            return null;
        });
    }
}
