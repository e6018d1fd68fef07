import io.jasyncio.Asyncio;
import io.jasyncio.Task;
import io.jasyncio.http.ClientSession;
import io.jasyncio.http.ws.ClientWebSocketResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The WebSocket echo load of bench/http/ws.sh: CONNS connections spread over THREADS event loops (jasyncio's
 * client, ClientSession.wsConnect), each sending a small text message and waiting for its echo before the next
 * (closed loop), for SECONDS; prints the messages echoed per second. The same client for every server measured.
 * (The JDK's java.net.http.WebSocket was tried first: it topped out near 2,000 msg/s whatever the server, its
 * round trips waiting on delayed ACKs.) Run with the source launcher and jasyncio's classpath:
 *
 *   java -cp "cli/target/classes:$(cat cli/target/classpath.txt)" bench/http/WsLoad.java ws://127.0.0.1:8080/ws 50 5 [SIZE] [THREADS]
 */
public final class WsLoad {
    public static void main(String[] args) throws Exception {
        String url = args[0];
        int conns = Integer.parseInt(args[1]);
        double seconds = Double.parseDouble(args[2]);
        String payload = args.length > 3 ? "x".repeat(Integer.parseInt(args[3])) : "hello, websocket";
        int threads = args.length > 4 ? Integer.parseInt(args[4]) : 1;
        AtomicLong echoed = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        List<Thread> loops = new ArrayList<>();
        long[] elapsed = new long[threads];
        for (int t = 0; t < threads; t++) {
            int mine = conns / threads + (t < conns % threads ? 1 : 0);
            int index = t;
            loops.add(Thread.ofPlatform().name("ws-load-" + t).start(() -> Asyncio.run(() -> {
                try (ClientSession session = new ClientSession()) {
                    List<ClientWebSocketResponse> sockets = new ArrayList<>();
                    for (int i = 0; i < mine; i++) sockets.add(session.wsConnect(url));
                    long t0 = System.nanoTime();
                    long end = t0 + (long) (seconds * 1e9);
                    List<Task<Void>> tasks = new ArrayList<>();
                    for (ClientWebSocketResponse ws : sockets) {
                        tasks.add(Asyncio.createTask(() -> {
                            while (System.nanoTime() < end) {
                                ws.sendStr(payload);
                                if (!ws.receiveStr().equals(payload)) errors.incrementAndGet();
                                echoed.incrementAndGet();
                            }
                            ws.close();
                            return null;
                        }));
                    }
                    for (Task<Void> task : tasks) {
                        try {
                            Asyncio.await(task);
                        } catch (Exception e) {
                            errors.incrementAndGet();
                        }
                    }
                    elapsed[index] = System.nanoTime() - t0;
                }
                return null;
            })));
        }
        for (Thread t : loops) t.join();
        double secs = java.util.Arrays.stream(elapsed).max().orElse(1) / 1e9;
        System.out.printf("%.0f msg/s (%d echoed in %.2f s over %d connections, %d client loops, %d errors)%n",
                echoed.get() / secs, echoed.get(), secs, conns, threads, errors.get());
    }
}
