package io.jasyncio.pg;

import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.Asyncio;
import io.jasyncio.Future;
import io.jasyncio.pg.PostgresErrors.ReadOnlySqlTransactionError;
import io.jasyncio.pg.PostgresErrors.UniqueViolationError;
import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** executemany, transactions, cursors, prepared statements, the statement cache, COPY, LISTEN/NOTIFY, notices. */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class FeaturesTest {
    static PgCluster pg;

    @BeforeAll
    static void server() {
        pg = PgCluster.get();
    }

    private static List<List<Object>> rows(int n) {
        List<List<Object>> r = new ArrayList<>();
        for (int i = 0; i < n; i++) r.add(List.of(i, "row " + i));
        return r;
    }

    @Test
    void executemanyIsOneAtomicBatch() {
        Asyncio.run(() -> {
            try (Connection c = Pg.connect(pg.dsn())) {
                c.execute("CREATE TEMP TABLE m (id int PRIMARY KEY, name text)");
                c.executemany("INSERT INTO m VALUES ($1, $2)", rows(20_000));
                assertEquals(20_000L, (long) c.fetchval("SELECT count(*) FROM m"));
                // A duplicate in the middle: the whole batch is rolled back.
                List<Object> batch = new ArrayList<>();
                for (int i = 0; i < 1000; i++) batch.add(new Object[] {30_000 + i, "x"});
                batch.add(new Object[] {5, "duplicate"});
                for (int i = 0; i < 1000; i++) batch.add(List.of(40_000 + i, "y"));
                assertThrows(UniqueViolationError.class, () -> c.executemany("INSERT INTO m VALUES ($1, $2)", batch));
                assertEquals(20_000L, (long) c.fetchval("SELECT count(*) FROM m"));
                // A bad value on our side: nothing of the batch commits either.
                List<Object> bad = new ArrayList<>(rows(5000).stream().map(r -> List.of((Object) ((int) r.get(0) + 50_000), r.get(1))).toList());
                bad.add(List.of("not an int", "z"));
                DataError e = assertThrows(DataError.class, () -> c.executemany("INSERT INTO m VALUES ($1, $2)", bad));
                assertTrue(e.getMessage().contains("argument $1"), e.getMessage());
                assertEquals(20_000L, (long) c.fetchval("SELECT count(*) FROM m"));
                assertEquals(3, (int) c.fetchval("SELECT 3"), "usable after both");
            }
            return null;
        });
    }

    @Test
    void transactionsCommitRollBackAndNest() {
        Asyncio.run(() -> {
            try (Connection c = Pg.connect(pg.dsn())) {
                c.execute("CREATE TEMP TABLE tx (v int)");
                c.transaction(() -> c.execute("INSERT INTO tx VALUES (1)"));
                assertThrows(IllegalStateException.class, () -> c.transaction(() -> {
                    c.execute("INSERT INTO tx VALUES (2)");
                    throw new IllegalStateException("boom");
                }));
                assertEquals(List.of(1), values(c));
                // Nested: a savepoint; the inner failure rolls back only the inner part.
                c.transaction(() -> {
                    c.execute("INSERT INTO tx VALUES (3)");
                    assertTrue(c.isInTransaction());
                    assertThrows(UniqueViolationError.class, () -> c.transaction(() -> {
                        c.execute("INSERT INTO tx VALUES (4)");
                        c.execute("CREATE TEMP TABLE tx_u (id int PRIMARY KEY); INSERT INTO tx_u VALUES (1), (1)");
                        return null;
                    }));
                    c.execute("INSERT INTO tx VALUES (5)");
                    return null;
                });
                assertEquals(List.of(1, 3, 5), values(c));
                assertFalse(c.isInTransaction());
                // Settings are applied.
                try (Transaction t = c.transaction(IsolationLevel.SERIALIZABLE, true, false).start()) {
                    assertEquals("serializable", c.fetchval("SHOW transaction_isolation"));
                    assertThrows(ReadOnlySqlTransactionError.class, () -> c.execute("CREATE TABLE tx_ro (v int)")); // temp tables are writable
                    InterfaceError failed = assertThrows(InterfaceError.class, t::commit);
                    assertTrue(failed.getMessage().contains("rolled it back"), failed.getMessage());
                }
                // The explicit form: close() without commit rolls back.
                try (Transaction t = c.transaction().start()) {
                    c.execute("INSERT INTO tx VALUES (7)");
                }
                assertEquals(List.of(1, 3, 5), values(c));
                c.execute("BEGIN");
                InterfaceError manual = assertThrows(InterfaceError.class, () -> c.transaction().start());
                assertTrue(manual.getMessage().contains("manually started"), manual.getMessage());
                c.execute("ROLLBACK");
                InterfaceError nestedIso = assertThrows(InterfaceError.class, () -> c.transaction(() ->
                        c.transaction(IsolationLevel.SERIALIZABLE, false, false).start()));
                assertTrue(nestedIso.getMessage().contains("isolation"), nestedIso.getMessage());
            }
            return null;
        });
    }

    private static List<Integer> values(Connection c) {
        List<Integer> r = new ArrayList<>();
        for (Record x : c.fetch("SELECT v FROM tx ORDER BY v")) r.add(x.getInt(0));
        return r;
    }

    @Test
    void cursorsStreamInBatches() {
        Asyncio.run(() -> {
            try (Connection c = Pg.connect(pg.dsn())) {
                InterfaceError outside = assertThrows(InterfaceError.class, () -> c.cursor("SELECT 1").fetch(1));
                assertTrue(outside.getMessage().contains("inside a transaction"), outside.getMessage());
                c.transaction(() -> {
                    long sum = 0;
                    int n = 0;
                    for (Record r : c.cursor(1000, "SELECT i FROM generate_series(1, $1) i", 100_000)) {
                        sum += r.getInt(0);
                        n++;
                    }
                    assertEquals(100_000, n);
                    assertEquals(5_000_050_000L, sum);
                    try (Cursor cur = c.cursor("SELECT i FROM generate_series(1, 10) i")) {
                        assertEquals(List.of(1, 2, 3), cur.fetch(3).stream().map(r -> r.getInt(0)).toList());
                        assertEquals(4, cur.forward(4));
                        assertEquals(8, cur.fetchrow().getInt(0));
                        assertEquals(List.of(9, 10), cur.fetch(5).stream().map(r -> r.getInt(0)).toList());
                        assertEquals(List.of(), cur.fetch(5));
                        assertNull(cur.fetchrow());
                    }
                    return null;
                });
            }
            return null;
        });
    }

    @Test
    void preparedStatementsAndTheCache() {
        Asyncio.run(() -> {
            ConnectOptions o = ConnectOptions.parse(pg.dsn()).withStatementCacheSize(3);
            try (Connection c = Pg.connect(o)) {
                try (PreparedStatement ps = c.prepare("SELECT $1::int4 + $2::int8 AS total, $1::text AS t")) {
                    assertArrayEquals(new int[] {23, 20}, ps.getParameterTypes());
                    assertEquals(List.of("total", "t"), ps.getColumnNames());
                    assertEquals(List.of(20, 25), ps.getColumnTypes());
                    for (int i = 0; i < 5; i++) assertEquals(i + 10L, (long) ps.fetchval(i, 10));
                    assertEquals("SELECT 1", ps.execute(1, 2));
                }
                // The LRU keeps 3 statements on the server, closing the ones it evicts.
                for (int i = 0; i < 10; i++) c.fetchval("SELECT " + i + " + $1::int", 1);
                c.fetchval("SELECT 1");
                long prepared = c.fetchval("SELECT count(*) FROM pg_prepared_statements WHERE name LIKE '__jasyncio_%'");
                assertTrue(prepared <= 4, "evicted statements are closed, " + prepared + " left");
                // A schema change makes a cached plan stale: prepared again and retried once, transparently.
                c.execute("CREATE TEMP TABLE sc (a int)");
                c.execute("INSERT INTO sc VALUES (1)");
                assertEquals(1, c.fetchrow("SELECT * FROM sc").size());
                c.execute("ALTER TABLE sc ADD COLUMN b text DEFAULT 'x'");
                Record r = c.fetchrow("SELECT * FROM sc");
                assertEquals(List.of(1, "x"), r.values());
                // Inside a transaction a retry could repeat work: the error goes to the caller (as asyncpg).
                c.execute("ALTER TABLE sc ADD COLUMN c int DEFAULT 7");
                assertThrows(PostgresErrors.InvalidCachedStatementError.class, () -> c.transaction(() -> c.fetchrow("SELECT * FROM sc")));
                assertEquals(List.of(1, "x", 7), c.fetchrow("SELECT * FROM sc").values());
                // DEALLOCATE ALL behind the driver's back: re-prepared as well.
                c.execute("DEALLOCATE ALL");
                assertEquals(List.of(1, "x", 7), c.fetchrow("SELECT * FROM sc").values());
            }
            return null;
        });
    }

    /**
     * Statements evicted from the cache while they were still being prepared: every one is closed on the server in
     * the end (they were leaked before: one per eviction), and queries racing the evictions inside a transaction all
     * succeed (a waiter that resumed after its statement was evicted and closed used to Bind a statement the server
     * no longer had, which aborted the transaction).
     */
    @Test
    void evictionsRacingPreparesLeakNothingAndFailNoQuery() {
        Asyncio.run(() -> {
            ConnectOptions o = ConnectOptions.parse(pg.dsn()).withStatementCacheSize(1);
            try (Connection c = Pg.connect(o)) {
                for (int round = 0; round < 40; round++) {
                    int r = round;
                    // Three statements prepared at once on a cache of one: each prepare evicts the one before it.
                    List<Object> got = c.transaction(() -> Asyncio.await(Asyncio.gather(
                            () -> c.fetchval("SELECT $1::int + 1", r),
                            () -> c.fetchval("SELECT $1::int + 2", r),
                            () -> c.fetchval("SELECT $1::int + 3", r))));
                    assertEquals(List.of(r + 1, r + 2, r + 3), got);
                }
                long prepared = c.fetchval("SELECT count(*) FROM pg_prepared_statements WHERE name LIKE '__jasyncio_%'");
                assertTrue(prepared <= 2, "statements evicted while preparing are closed, " + prepared + " left on the server");
            }
            return null;
        });
    }

    @Test
    void copyInAndOut() {
        Asyncio.run(() -> {
            try (Connection c = Pg.connect(pg.dsn())) {
                c.execute("CREATE TEMP TABLE cp (a int, b text, c float8, d numeric, e date, f timestamptz, g uuid, h int[], i bytea)");
                UUID u = UUID.randomUUID();
                OffsetDateTime ts = OffsetDateTime.of(2024, 1, 2, 3, 4, 5, 6000, ZoneOffset.UTC);
                List<Object[]> recs = new ArrayList<>();
                for (int k = 0; k < 100_000; k++) {
                    recs.add(new Object[] {k, "t" + k, k / 2.0, BigDecimal.valueOf(k, 2), LocalDate.of(2024, 1, 1).plusDays(k % 365),
                            ts, u, List.of(k, -k), new byte[] {(byte) k}});
                }
                recs.add(new Object[] {null, null, null, null, null, null, null, null, null});
                assertEquals("COPY 100001", c.copyRecordsToTable("cp", recs));
                Record r = c.fetchrow("SELECT * FROM cp WHERE a = 12345");
                assertEquals(Arrays.asList(12345, "t12345", 6172.5, new BigDecimal("123.45"), LocalDate.of(2024, 1, 1).plusDays(12345 % 365),
                        ts, u, List.of(12345, -12345)), r.values().subList(0, 8));
                assertEquals(1L, (long) c.fetchval("SELECT count(*) FROM cp WHERE a IS NULL AND i IS NULL"));
                // A bad value aborts the COPY: nothing of it is committed; the connection goes on.
                List<Object[]> bad = new ArrayList<>(recs.subList(0, 1000));
                bad.add(new Object[] {"x", null, null, null, null, null, null, null, null});
                DataError e = assertThrows(DataError.class, () -> c.copyRecordsToTable("cp", bad));
                assertTrue(e.getMessage().contains("record 1000, column \"a\""), e.getMessage());
                assertEquals(100_001L, (long) c.fetchval("SELECT count(*) FROM cp"));
                // Some columns, text and CSV sources.
                c.execute("CREATE TEMP TABLE cp2 (x int, y text, z text DEFAULT 'dflt')");
                c.copyRecordsToTable("cp2", null, List.of("y", "x"), List.of(List.of("one", 1), List.of("two", 2)));
                c.copyToTable("cp2", List.of("x", "y"), CopySource.of(List.of("3\tthree\n4\t".getBytes(StandardCharsets.UTF_8),
                        "four\n5\t\\N\n".getBytes(StandardCharsets.UTF_8))), CopyOptions.TEXT);
                c.copyToTable("cp2", CopySource.of(new java.io.ByteArrayInputStream("x,y,z\n6,\"six, 6\",zz\n".getBytes(StandardCharsets.UTF_8))),
                        CopyOptions.CSV.withHeader(true));
                assertEquals("1:one:dflt 2:two:dflt 3:three:dflt 4:four:dflt 5:null:dflt 6:six, 6:zz",
                        String.join(" ", c.fetch("SELECT * FROM cp2 ORDER BY x").stream().map(x -> x.get(0) + ":" + x.get(1) + ":" + x.get(2)).toList()));
                PostgresError missing = assertThrows(PostgresError.class,
                        () -> c.copyToTable("no_such_table", CopySource.of(List.of()), CopyOptions.TEXT));
                assertEquals("42P01", missing.sqlstate());
                // Out: a query as CSV into a sink, a table as text.
                ByteArrayOutputStream csv = new ByteArrayOutputStream();
                assertEquals("COPY 2", c.copyFromQuery("SELECT x, y FROM cp2 WHERE x <= $1 ORDER BY x".replace("$1", "2"),
                        chunk -> csv.write(chunk.array(), chunk.position(), chunk.remaining()), CopyOptions.CSV));
                assertEquals("1,one\n2,two\n", csv.toString(StandardCharsets.UTF_8));
                long[] bytes = {0};
                assertEquals("COPY 100001", c.copyFromTable("cp", List.of("a", "b"), chunk -> bytes[0] += chunk.remaining(), null));
                assertTrue(bytes[0] > 1_000_000, "streamed " + bytes[0] + " bytes");
                ByteArrayOutputStream viaStream = new ByteArrayOutputStream();
                c.copyFromTable("cp2", List.of("x"), CopySink.to(viaStream), null);
                assertEquals("1\n2\n3\n4\n5\n6\n", viaStream.toString(StandardCharsets.UTF_8));
            }
            return null;
        });
    }

    @Test
    void listenNotifyAndNotices() {
        Asyncio.run(() -> {
            try (Connection listener = Pg.connect(pg.dsn()); Connection sender = Pg.connect(pg.dsn())) {
                List<String> got = new ArrayList<>();
                Future<Void> two = Asyncio.getRunningLoop().createFuture();
                NotificationListener l = (conn, pid, channel, payload) -> {
                    assertSame(listener, conn);
                    assertEquals(sender.getServerPid(), pid);
                    got.add(channel + ":" + payload);
                    if (got.size() == 2 && !two.done()) two.setResult(null);
                };
                listener.addListener("chan \"1\"", l);
                sender.execute("NOTIFY \"chan \"\"1\"\"\", 'hello'");
                sender.execute("SELECT pg_notify($1, $2)", "chan \"1\"", "world");
                Asyncio.waitFor(two, 10.0); // delivered while the listener's connection is idle
                assertEquals(List.of("chan \"1\":hello", "chan \"1\":world"), got);
                listener.removeListener("chan \"1\"", l);
                assertEquals(0L, (long) listener.fetchval("SELECT count(*) FROM pg_listening_channels()"));

                List<ServerMessage> notices = new ArrayList<>();
                listener.addLogListener((conn, m) -> notices.add(m));
                listener.execute("DO $$ BEGIN RAISE NOTICE 'careful: %', 42 USING HINT = 'a hint'; END $$");
                listener.execute("DROP TABLE IF EXISTS surely_not_here");
                Asyncio.sleep(0); // listeners run as callbacks after the query's answer
                assertEquals("careful: 42", notices.get(0).message());
                assertEquals("a hint", notices.get(0).hint());
                assertEquals("NOTICE", notices.get(0).severity());
                assertEquals("00000", notices.get(0).sqlstate());
                assertTrue(notices.get(1).message().contains("does not exist, skipping"), notices.get(1).message());
            }
            return null;
        });
    }

    @Test
    void aResultOverMaxResultSizeIsRefusedAndACursorReadsItInstead() {
        Asyncio.run(() -> {
            try (Connection c = Pg.connect(ConnectOptions.parse(pg.dsn()).withMaxResultSize(64 * 1024))) {
                ResultTooLargeError e = assertThrows(ResultTooLargeError.class,
                        () -> c.fetch("SELECT i, repeat('x', 100) FROM generate_series(1, 100000) i"));
                assertTrue(e.getMessage().contains("maxResultSize") && e.getMessage().contains("cursor"), e.getMessage());
                assertEquals(1, (int) c.fetchval("SELECT 1"), "the rest was read and dropped: the connection goes on");
                long n = c.transaction(() -> {
                    long k = 0;
                    for (Record r : c.cursor(100, "SELECT i, repeat('x', 100) FROM generate_series(1, 100000) i")) k++;
                    return k;
                });
                assertEquals(100_000, n, "the same rows, streamed in batches under the bound");
            }
            return null;
        });
    }

    @Test
    void manyRowsAndWideValues() {
        Asyncio.run(() -> {
            try (Connection c = Pg.connect(pg.dsn())) {
                List<Record> rs = c.fetch("SELECT i, repeat('x', i % 100) FROM generate_series(1, 200000) i");
                assertEquals(200_000, rs.size());
                assertEquals(199_999 % 100, rs.get(199_998).getString(1).length());
                String big = c.fetchval("SELECT repeat('ab', 5000000)"); // a 10 MB value: the read buffer grows for it
                assertEquals(10_000_000, big.length());
                assertEquals(IntStream.range(0, 3).boxed().toList(), c.fetch("SELECT generate_series(0, 2)").stream().map(x -> x.getInt(0)).toList());
            }
            return null;
        });
    }
}
