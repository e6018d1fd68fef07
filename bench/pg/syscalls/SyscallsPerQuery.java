import io.jasyncio.Asyncio;
import io.jasyncio.Task;
import io.jasyncio.pg.ConnectOptions;
import io.jasyncio.pg.Connection;
import io.jasyncio.pg.Pg;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * For bench/pg/syscalls/run.sh: N `SELECT 1` (fetchval) from 32 tasks on one connection, after 200,000 of warm-up.
 * Prints the backend's pid, waits until the file GO exists (the script attaches strace meanwhile), runs the
 * counted queries, prints "done", then waits until GO is gone. A fourth argument "true" turns on
 * ConnectOptions.withGroupReads (reads of one loop turn share one Sync).
 */
public class SyscallsPerQuery {
    public static void main(String[] a) {
        String dsn = a[0];
        int n = Integer.parseInt(a[1]);
        Path go = Path.of(a[2]);
        boolean groupReads = a.length > 3 && Boolean.parseBoolean(a[3]);
        Asyncio.run(() -> {
            try (Connection c = Pg.connect(ConnectOptions.parse(dsn).withGroupReads(groupReads))) {
                run(c, 200_000);
                System.out.println("pid " + c.getServerPid());
                System.out.flush();
                while (!Files.exists(go)) Asyncio.sleep(0.05);
                long t0 = System.nanoTime();
                run(c, n);
                System.out.println("done " + n + " queries in " + (System.nanoTime() - t0) / 1_000_000 + " ms");
                System.out.flush();
                while (Files.exists(go)) Asyncio.sleep(0.05);
            }
            return null;
        });
    }

    static void run(Connection c, int n) {
        int[] left = {n};
        List<Task<Object>> ts = new ArrayList<>();
        for (int i = 0; i < 32; i++) {
            ts.add(Asyncio.createTask(() -> {
                while (left[0]-- > 0) c.fetchval("SELECT 1");
                return null;
            }));
        }
        for (Task<Object> t : ts) Asyncio.await(t);
    }
}
