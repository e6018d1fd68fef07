package io.jasyncio.pg;

import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.Asyncio;
import io.jasyncio.Task;
import java.sql.DriverManager;
import java.sql.ResultSet;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The other route to PostgreSQL from a task: PgJDBC, blocking. With the default engine a blocking JDK socket call
 * inside a task parks only that task, so other tasks run meanwhile. Shown without timing: a JDBC query waits on an
 * advisory lock that only another task of the same loop releases; if the JDBC call blocked the loop, that task could
 * never run. On the portable engine a blocking call blocks the loop, as in Python: skipped there.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class JdbcInTaskTest {
    static PgCluster pg;

    @BeforeAll
    static void server() {
        pg = PgCluster.get();
    }

    @Test
    void aBlockingJdbcCallParksOnlyItsTask() {
        Asyncio.run(() -> {
            Assumptions.assumeTrue(Asyncio.getRunningLoop().engineName().startsWith("vthread"),
                    "the portable engine runs a blocking JDBC call on the loop (as Python would): it would deadlock here");
            try (Connection holder = Pg.connect(pg.dsn())) {
                holder.execute("SELECT pg_advisory_lock(4711)");
                String url = "jdbc:postgresql://127.0.0.1:" + pg.port + "/postgres?user=postgres&sslmode=disable";
                Task<String> jdbc = Asyncio.createTask(() -> {
                    try (java.sql.Connection j = DriverManager.getConnection(url);
                            ResultSet rs = j.createStatement().executeQuery("SELECT pg_advisory_lock(4711), 'got it'")) {
                        rs.next();
                        return rs.getString(2); // reached only after the other task released the lock
                    }
                });
                Task<Integer> other = Asyncio.createTask(() -> {
                    // Runs while the JDBC task is blocked in the server: waits until it is, then releases the lock.
                    while ((long) holder.fetchval("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted") == 0) {
                        Asyncio.sleep(0.01);
                    }
                    holder.execute("SELECT pg_advisory_unlock(4711)");
                    return 1;
                });
                assertEquals("got it", Asyncio.await(jdbc));
                assertEquals(1, Asyncio.await(other));
            }
            return null;
        });
    }
}
