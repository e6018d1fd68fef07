package io.jasyncio.pg;

import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.Asyncio;
import io.jasyncio.CancelledError;
import io.jasyncio.Task;
import io.jasyncio.TimeoutError;
import io.jasyncio.pg.PostgresErrors.CheckViolationError;
import io.jasyncio.pg.PostgresErrors.UniqueViolationError;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * executemany's multi-row INSERT rewrite ({@link InsertRewrite}): which statements it takes, the statements it
 * sends (counted by a statement-level trigger), the same table contents as the row-by-row path for every type,
 * the batch boundaries (the row cap, PostgreSQL's 65,535 parameters), atomicity, errors naming the rows,
 * cancellation and the timeout.
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ExecuteManyTest {
    static PgCluster pg;
    static final Duration PROMPT = Duration.ofSeconds(10);

    @BeforeAll
    static void server() throws Exception {
        pg = PgCluster.get();
        pg.psql("DROP TYPE IF EXISTS em_row; CREATE TYPE em_row AS (i int, t text, n numeric, d date, ts timestamptz, a int[], b bytea)");
    }

    static Connection plain() {
        return Pg.connect(pg.options().withRewriteInserts(false));
    }

    // ------------------------------------------------------------------ what is rewritten (no server)

    @Test
    void rewritesOnlyAPlainInsertValues() {
        String[] yes = {
            "INSERT INTO t VALUES ($1, $2)",
            "insert into t (a, b) values ($1, $2)",
            "INSERT INTO s.\"T x\" AS x (a, \"b)\") OVERRIDING USER VALUE VALUES ($1::int, lower($2 || ')'))",
            "INSERT INTO t VALUES ($1, '$9 (', E'it\\'s $3', $$ $4 ) $$, $tag$ VALUES $tag$, $2) -- $5\n",
            "INSERT INTO t VALUES ($2, $1, $1) /* a (nested /* $7 */ comment */",
            "INSERT INTO t VALUES ($1) ON CONFLICT DO NOTHING",
            "INSERT INTO t (a) VALUES ($1) ON CONFLICT (a) WHERE a > 0 DO NOTHING",
            "INSERT INTO t (a) VALUES (DEFAULT, (SELECT max(x) FROM u WHERE y = $1))",
            "INSERT INTO t VALUES ($1) ; -- the end",
        };
        for (String s : yes) assertNotNull(InsertRewrite.of(s), s);
        String[] no = {
            "INSERT INTO t VALUES ($1) RETURNING id",
            "INSERT INTO t VALUES ($1) ON CONFLICT (a) DO UPDATE SET b = $1",
            "INSERT INTO t VALUES ($1) ON CONFLICT (a) DO UPDATE SET b = excluded.b",
            "INSERT INTO t VALUES ($1) ON CONFLICT DO NOTHING RETURNING *",
            "INSERT INTO t VALUES ($1), ($2)",
            "INSERT INTO t VALUES ($1); DELETE FROM t",
            "INSERT INTO t VALUES ($1);;",
            "INSERT INTO t SELECT $1",
            "INSERT INTO t SELECT * FROM (VALUES ($1)) v",
            "WITH x AS (SELECT 1) INSERT INTO t VALUES ($1)",
            "UPDATE t SET a = $1",
            "INSERT INTO t DEFAULT VALUES",
            "INSERT INTO t VALUES (1, 2)",
            "INSERT INTO t VALUES ($1, 'unterminated)",
            "INSERT INTO t VALUES ($1 /* unterminated)",
            "INSERT INTO t VALUES (($1)",
        };
        for (String s : no) assertNull(InsertRewrite.of(s), s);
        InsertRewrite r = InsertRewrite.of("INSERT INTO t VALUES ($2, '$1', $1) ON CONFLICT DO NOTHING");
        assertEquals(2, r.paramCount);
        assertEquals("INSERT INTO t VALUES ($2, '$1', $1), ($4, '$1', $3), ($6, '$1', $5) ON CONFLICT DO NOTHING", r.sql(3));
        assertEquals("INSERT INTO t VALUES ($1, E'\\'$2'), ($2, E'\\'$2')", InsertRewrite.of("INSERT INTO t VALUES ($1, E'\\'$2')").sql(2));
        assertEquals("INSERT INTO t VALUES ($1), ($2);", InsertRewrite.of("INSERT INTO t VALUES ($1);").sql(2));
    }

    // ------------------------------------------------------------------ against the server

    /** Rows (id, text) for ids from..to-1. */
    static List<Object[]> rows(int from, int to) {
        List<Object[]> r = new ArrayList<>();
        for (int i = from; i < to; i++) r.add(new Object[] {i, "row " + i});
        return r;
    }

    /**
     * The statements of a batch of n rows: full ones, then eighths of the size above, down to one row (what
     * Session.Batch sends), for a statement of {@code params} parameters.
     */
    static int expectedStatements(int n, int params) {
        int full = Integer.highestOneBit(Math.min(Session.MAX_BATCH_ROWS, 65535 / params));
        int count = 0;
        for (int size = full; n > 0; size = Math.max(1, size / 8)) {
            count += n / size;
            n %= size;
        }
        return count;
    }

    @Test
    void batchBoundariesSendTheExpectedStatementsAndEveryRow() {
        int full = Session.MAX_BATCH_ROWS; // two parameters: the row cap bounds the batch
        Asyncio.run(() -> {
            try (Connection c = Pg.connect(pg.dsn())) {
                c.execute("CREATE TEMP TABLE b2 (id int PRIMARY KEY, t text)");
                c.execute("CREATE TEMP TABLE stmts (n int)");
                c.execute("CREATE FUNCTION pg_temp.count_stmt() RETURNS trigger LANGUAGE plpgsql AS "
                        + "$$ BEGIN INSERT INTO stmts VALUES (1); RETURN NULL; END $$");
                c.execute("CREATE TRIGGER b2_stmt AFTER INSERT ON b2 FOR EACH STATEMENT EXECUTE FUNCTION pg_temp.count_stmt()");
                for (int n : new int[] {1, 2, 15, 17, full - 1, full, full + 1, 2 * full + 1 + 8 * 3 + 128 * 5}) {
                    c.execute("TRUNCATE b2, stmts");
                    c.executemany("INSERT INTO b2 VALUES ($1, $2);", rows(0, n)); // a trailing semicolon is rewritten too
                    assertEquals((long) n, (long) c.fetchval("SELECT count(*) FROM b2"), "rows of " + n);
                    assertEquals(n == 0 ? null : (long) n * (n - 1) / 2, (Long) c.fetchval("SELECT sum(id)::int8 FROM b2"));
                    assertEquals(0L, (long) c.fetchval("SELECT count(*) FROM b2 WHERE t <> 'row ' || id"));
                    assertEquals((long) expectedStatements(n, 2), (long) c.fetchval("SELECT count(*) FROM stmts"),
                            "statements for " + n + " rows");
                }
                assertTrue(expectedStatements(2 * full + 1 + 8 * 3 + 128 * 5, 2) < 20);
            }
            return null;
        });
    }

    @Test
    void theParameterLimitBoundsAStatement() {
        int cols = 100; // 65535 / 100 = 655 rows at most: statements of 512
        String ddl = IntStream.range(0, cols).mapToObj(i -> "c" + i + " int").collect(Collectors.joining(", "));
        String params = IntStream.range(1, cols + 1).mapToObj(i -> "$" + i).collect(Collectors.joining(", "));
        Asyncio.run(() -> {
            try (Connection c = Pg.connect(pg.dsn())) {
                c.execute("CREATE TEMP TABLE wide (" + ddl + ")");
                c.execute("CREATE TEMP TABLE stmts (n int)");
                c.execute("CREATE FUNCTION pg_temp.count_stmt() RETURNS trigger LANGUAGE plpgsql AS "
                        + "$$ BEGIN INSERT INTO stmts VALUES (1); RETURN NULL; END $$");
                c.execute("CREATE TRIGGER wide_stmt AFTER INSERT ON wide FOR EACH STATEMENT EXECUTE FUNCTION pg_temp.count_stmt()");
                for (int n : new int[] {511, 512, 513, 655, 656, 1311}) {
                    c.execute("TRUNCATE wide, stmts");
                    List<Object[]> rows = new ArrayList<>();
                    for (int r = 0; r < n; r++) {
                        Object[] row = new Object[cols];
                        for (int k = 0; k < cols; k++) row[k] = r * cols + k;
                        rows.add(row);
                    }
                    c.executemany("INSERT INTO wide VALUES (" + params + ")", rows);
                    assertEquals((long) n, (long) c.fetchval("SELECT count(*) FROM wide"));
                    assertEquals(0L, (long) c.fetchval("SELECT count(*) FROM wide WHERE c99 <> c0 + 99 OR c0 % 100 <> 0"));
                    assertEquals((long) n * (n - 1) / 2, (long) c.fetchval("SELECT sum(c0 / 100)::int8 FROM wide"));
                    assertEquals((long) expectedStatements(n, cols), (long) c.fetchval("SELECT count(*) FROM stmts"), "statements for " + n);
                }
                assertEquals(2, expectedStatements(513, cols)); // 512 + 1
            }
            return null;
        });
    }

    @Test
    void everyTypeLandsAsTheRowByRowPathPutsIt() {
        // One column per expression of DifferentialTest's type list (its values read back through the driver,
        // then written by both paths): 70 parameters a row, so a statement holds 512 rows.
        String[][] ex = DifferentialTest.EXPRESSIONS;
        List<String> exprs = new ArrayList<>();
        List<String> types = new ArrayList<>();
        for (String[] e : ex) {
            exprs.add(e[0].replace("diff_row", "em_row"));
            types.add(e[1].replace("diff_row", "em_row"));
        }
        String ddl = IntStream.range(0, types.size()).mapToObj(i -> "c" + i + " " + types.get(i)).collect(Collectors.joining(", "));
        String params = IntStream.range(1, types.size() + 2).mapToObj(i -> "$" + i).collect(Collectors.joining(", "));
        int n = 1100;
        Asyncio.run(() -> {
            try (Connection c = Pg.connect(pg.dsn()); Connection p = plain()) {
                Object[] values = new Object[exprs.size()];
                for (int i = 0; i < values.length; i++) values[i] = c.fetchval("SELECT " + exprs.get(i));
                List<Object[]> rows = new ArrayList<>();
                for (int r = 0; r < n; r++) {
                    Object[] row = new Object[values.length + 1];
                    row[0] = r;
                    for (int i = 0; i < values.length; i++) row[i + 1] = (r + i) % 7 == 3 ? null : values[i]; // NULLs sprinkled
                    rows.add(row);
                }
                c.execute("DROP TABLE IF EXISTS em_types_a, em_types_b");
                c.execute("CREATE TABLE em_types_a (id int, " + ddl + ")");
                c.execute("CREATE TABLE em_types_b (id int, " + ddl + ")");
                c.executemany("INSERT INTO em_types_a VALUES (" + params + ")", rows);
                p.executemany("INSERT INTO em_types_b VALUES (" + params + ")", rows);
                assertTrue((long) c.fetchval("SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE 'INSERT INTO em_types_a %), (%'") > 0,
                        "the rewrite was used");
                assertEquals(0L, (long) p.fetchval("SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE 'INSERT INTO em_types_b %), (%'"),
                        "rewriteInserts(false) sends one row per statement");
                List<String> a = texts(c, "em_types_a"), b = texts(c, "em_types_b");
                assertEquals(n, a.size());
                for (int r = 0; r < n; r++) assertEquals(b.get(r), a.get(r), "row " + r);
                c.execute("DROP TABLE em_types_a, em_types_b");
            }
            return null;
        });
    }

    private static List<String> texts(Connection c, String table) {
        List<String> r = new ArrayList<>();
        for (Record x : c.fetch("SELECT t::text FROM " + table + " t ORDER BY id")) r.add(x.getString(0));
        return r;
    }

    @Test
    void aFailingRowInTheThirdStatementLeavesTheTableUnchangedAndIsNamed() {
        int full = Session.MAX_BATCH_ROWS;
        Asyncio.run(() -> {
            for (boolean rewrite : new boolean[] {true, false}) {
                try (Connection c = Pg.connect(pg.options().withRewriteInserts(rewrite))) {
                    c.execute("CREATE TEMP TABLE f (id int PRIMARY KEY, t text CHECK (t <> 'bad'))");
                    c.executemany("INSERT INTO f VALUES ($1, $2)", rows(0, 10));
                    int bad = 2 * full + full / 2; // in the third statement
                    List<Object[]> batch = rows(100, 100 + 4 * full + 20); // the remainder statements come after the error
                    batch.set(bad, new Object[] {5, "duplicate"});
                    UniqueViolationError e = assertThrows(UniqueViolationError.class, () -> c.executemany("INSERT INTO f VALUES ($1, $2)", batch));
                    String where = rewrite ? "in rows " + 2 * full + ".." + (3 * full - 1) : "at row " + bad;
                    assertTrue(e.getMessage().contains(where), e.getMessage());
                    assertEquals(10L, (long) c.fetchval("SELECT count(*) FROM f"), "nothing of the batch committed");
                    // In the remainder statements too (a CHECK), and inside a transaction, which the error aborts.
                    List<Object[]> tail = rows(100, 100 + full + 20);
                    tail.set(full + 18, new Object[] {99_999, "bad"});
                    assertThrows(CheckViolationError.class, () -> c.transaction(() -> {
                        c.execute("INSERT INTO f VALUES (-1, 'in tx')");
                        c.executemany("INSERT INTO f VALUES ($1, $2)", tail);
                        return null;
                    }));
                    assertEquals(10L, (long) c.fetchval("SELECT count(*) FROM f"));
                    // The next batch works: the statements the failed one never made are made again.
                    c.executemany("INSERT INTO f VALUES ($1, $2)", rows(100, 100 + 3 * full + 37));
                    assertEquals(10L + 3 * full + 37, (long) c.fetchval("SELECT count(*) FROM f"));
                    // A bad value on our side names its row too; nothing is sent for the batch.
                    List<Object[]> ours = rows(50_000, 50_000 + full + 5);
                    ours.set(full + 2, new Object[] {"not an int", "x"});
                    DataError d = assertThrows(DataError.class, () -> c.executemany("INSERT INTO f VALUES ($1, $2)", ours));
                    assertTrue(d.getMessage().contains("row " + (full + 2)) && d.getMessage().contains("argument $1"), d.getMessage());
                    assertEquals(10L + 3 * full + 37, (long) c.fetchval("SELECT count(*) FROM f"));
                    long stmts = (long) c.fetchval("SELECT count(*) FROM pg_prepared_statements");
                    assertTrue(stmts < 16, stmts + " statements kept on the server");
                }
            }
            return null;
        });
    }

    @Test
    void onConflictDoNothingSkipsTheSameRowsAsRowByRow() {
        Asyncio.run(() -> {
            for (boolean rewrite : new boolean[] {true, false}) {
                try (Connection c = Pg.connect(pg.options().withRewriteInserts(rewrite))) {
                    c.execute("CREATE TEMP TABLE oc (id int PRIMARY KEY, t text)");
                    c.executemany("INSERT INTO oc VALUES ($1, $2)", rows(0, 100));
                    List<Object[]> batch = new ArrayList<>();
                    for (int i = 0; i < 3000; i++) batch.add(new Object[] {i % 1500 + 50, "new " + i}); // duplicates inside and outside
                    c.executemany("INSERT INTO oc VALUES ($1, $2) ON CONFLICT (id) DO NOTHING", batch);
                    assertEquals(1550L, (long) c.fetchval("SELECT count(*) FROM oc"), "rewrite=" + rewrite);
                    assertEquals(50L, (long) c.fetchval("SELECT count(*) FROM oc WHERE id >= 50 AND t LIKE 'row %'"));
                    assertEquals(1450L, (long) c.fetchval("SELECT count(*) FROM oc WHERE t LIKE 'new %' AND substr(t, 5)::int = id - 50"),
                            "the first of each duplicate is kept");
                    // DO UPDATE is not rewritten: one statement may not update a row twice, row by row may.
                    c.executemany("INSERT INTO oc VALUES ($1, $2) ON CONFLICT (id) DO UPDATE SET t = excluded.t", batch);
                    assertEquals(1500L, (long) c.fetchval("SELECT count(*) FROM oc WHERE t LIKE 'new %' AND substr(t, 5)::int = id - 50 + 1500"),
                            "the last of each duplicate wins");
                }
            }
            return null;
        });
    }

    /** Rows that come slowly: each 500th waits a millisecond. */
    static Iterable<Object> slowRows(int n) {
        return () -> new Iterator<>() {
            int i;

            public boolean hasNext() {
                return i < n;
            }

            public Object next() {
                if (i % 500 == 0) Asyncio.sleep(0.001);
                return List.of(i++, "x".repeat(40));
            }
        };
    }

    @Test
    void aTimeoutOrACancelMidwayCommitsNothingAndTheConnectionGoesOn() {
        Asyncio.run(() -> {
            try (Connection c = Pg.connect(pg.dsn())) {
                c.execute("CREATE TEMP TABLE tc (id int, t text)");
                assertThrows(TimeoutError.class, () -> c.executemany(Duration.ofMillis(300), "INSERT INTO tc VALUES ($1, $2)", slowRows(10_000_000)));
                assertEquals(0L, (long) c.fetchval(PROMPT, "SELECT count(*) FROM tc"));
                Task<Void> t = Asyncio.createTask(() -> {
                    c.executemany("INSERT INTO tc VALUES ($1, $2)", slowRows(10_000_000));
                    return null;
                });
                Asyncio.sleep(0.3);
                t.cancel();
                assertThrows(CancelledError.class, () -> Asyncio.await(t));
                assertEquals(0L, (long) c.fetchval(PROMPT, "SELECT count(*) FROM tc"));
                // The server is slow instead (a row trigger sleeps): the timeout cancels the batch on the server.
                c.execute("CREATE FUNCTION pg_temp.slow() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN PERFORM pg_sleep(0.01); RETURN NEW; END $$");
                c.execute("CREATE TRIGGER tc_slow BEFORE INSERT ON tc FOR EACH ROW EXECUTE FUNCTION pg_temp.slow()");
                assertThrows(TimeoutError.class, () -> c.executemany(Duration.ofMillis(300), "INSERT INTO tc VALUES ($1, $2)",
                        Collections.nCopies(5000, List.of(1, "y"))));
                assertEquals(0L, (long) c.fetchval(PROMPT, "SELECT count(*) FROM tc"));
                c.execute("DROP TRIGGER tc_slow ON tc");
                c.executemany("INSERT INTO tc VALUES ($1, $2)", rows(0, 3000));
                assertEquals(3000L, (long) c.fetchval(PROMPT, "SELECT count(*) FROM tc"));
            }
            return null;
        });
    }
}
