package io.jasyncio.examples.pg;

import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.Asyncio;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The pg-demo against a throwaway local cluster (LocalCluster, as {@code pg-demo --local}). */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class PgDemoTest {
    @Test
    void poolCopyTransactionsNotifyPipeliningAndACursor() {
        try {
            LocalCluster.binaries();
        } catch (IllegalStateException e) {
            Assumptions.abort(e.getMessage());
        }
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        PgDemo.Summary s = Asyncio.run(() -> {
            try (LocalCluster pg = LocalCluster.start()) {
                return PgDemo.run(pg.dsn(), 2000, new PrintStream(text, true, StandardCharsets.UTF_8));
            }
        });
        assertEquals(2000, s.accounts());
        assertEquals(new BigDecimal("200000.00"), s.totalBefore());
        assertEquals(0, s.totalAfter().compareTo(s.totalBefore()), "transfers move money, they do not make it");
        assertEquals(1, s.rolledBack());
        assertEquals(List.of("2:130.00", "1:70.00"), s.notifications(), "the rolled-back transfer notified nobody");
        assertEquals(1000, s.pipelined());
        assertEquals(2000, s.cursorRows());
        String out = text.toString(StandardCharsets.UTF_8);
        assertTrue(out.contains("COPY: COPY 2000"), out);
        assertTrue(out.contains("rolled back"), out);
    }
}
