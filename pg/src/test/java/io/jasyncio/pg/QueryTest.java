package io.jasyncio.pg;

import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.Asyncio;
import io.jasyncio.Task;
import io.jasyncio.pg.PostgresErrors.PostgresSyntaxError;
import io.jasyncio.pg.PostgresErrors.UniqueViolationError;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The query methods against a real server: execute, fetch, fetchrow, fetchval, errors, pipelining. */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class QueryTest {
    static PgCluster pg;

    @BeforeAll
    static void server() {
        pg = PgCluster.get();
    }

    @Test
    void fetchesValuesRowsAndStatus() {
        Asyncio.run(() -> {
            try (Connection c = Pg.connect(pg.dsn())) {
                assertEquals(1, (int) c.fetchval("SELECT 1"));
                assertEquals("CREATE TABLE", c.execute("CREATE TEMP TABLE t (id int PRIMARY KEY, name text, score float8)"));
                assertEquals("INSERT 0 1", c.execute("INSERT INTO t VALUES ($1, $2, $3)", 1, "one", 1.5));
                assertEquals("INSERT 0 1", c.execute("INSERT INTO t VALUES ($1, $2, $3)", 2, "two", null));
                List<Record> rows = c.fetch("SELECT id, name, score FROM t ORDER BY id");
                assertEquals(2, rows.size());
                assertEquals(1, rows.get(0).getInt("id"));
                assertEquals("one", rows.get(0).getString(1));
                assertEquals(1.5, rows.get(0).getDouble("score"));
                assertTrue(rows.get(1).isNull("score"));
                assertNull(rows.get(1).get("score"));
                assertEquals(List.of("id", "name", "score"), rows.get(0).keys());
                assertEquals("<Record id=1 name='one' score=1.5>", rows.get(0).toString());
                Record r = c.fetchrow("SELECT name FROM t WHERE id = $1", 2);
                assertEquals("two", r.get(0));
                assertNull(c.fetchrow("SELECT name FROM t WHERE id = $1", 3));
                assertNull(c.fetchval("SELECT name FROM t WHERE id = $1", 3));
                assertEquals("UPDATE 2", c.execute("UPDATE t SET score = 0"));
                assertEquals("DELETE 1", c.execute("DELETE FROM t WHERE id = $1", 1));
                assertEquals(List.of(), c.fetch("SELECT * FROM t WHERE false"));
            }
            return null;
        });
    }

    @Test
    void serverErrorsAreTypedWithFieldsAndLeaveTheConnectionUsable() {
        Asyncio.run(() -> {
            try (Connection c = Pg.connect(pg.dsn())) {
                c.execute("CREATE TEMP TABLE u (id int CONSTRAINT u_pk PRIMARY KEY)");
                c.execute("INSERT INTO u VALUES (1)");
                UniqueViolationError e = assertThrows(UniqueViolationError.class, () -> c.execute("INSERT INTO u VALUES ($1)", 1));
                assertEquals("23505", e.sqlstate());
                assertEquals("ERROR", e.severity());
                assertEquals("u_pk", e.constraintName());
                assertEquals("u", e.tableName());
                assertTrue(e.detail().contains("(id)=(1)"), e.detail());
                assertInstanceOf(PostgresErrors.IntegrityConstraintViolationError.class, e);
                PostgresSyntaxError se = assertThrows(PostgresSyntaxError.class, () -> c.fetch("SELEC 1"));
                assertEquals(1, se.position());
                assertInstanceOf(PostgresErrors.SyntaxOrAccessError.class, se);
                assertEquals(2, (int) c.fetchval("SELECT 2"), "usable after errors");
            }
            return null;
        });
    }

    @Test
    void manyTasksPipelineOnOneConnection() {
        Asyncio.run(() -> {
            try (Connection c = Pg.connect(pg.dsn())) {
                List<Task<Integer>> tasks = new ArrayList<>();
                for (int i = 0; i < 200; i++) {
                    int k = i;
                    tasks.add(Asyncio.createTask(() -> c.<Integer>fetchval("SELECT $1::int + 1", k)));
                }
                for (int i = 0; i < 200; i++) assertEquals(i + 1, Asyncio.await(tasks.get(i)));
                // One failing among them does not disturb the others.
                Task<Object> bad = Asyncio.createTask(() -> c.fetchval("SELECT 1/0"));
                Task<Integer> good = Asyncio.createTask(() -> c.<Integer>fetchval("SELECT 7"));
                assertThrows(PostgresErrors.DivisionByZeroError.class, () -> Asyncio.await(bad));
                assertEquals(7, Asyncio.await(good));
            }
            return null;
        });
    }
}
