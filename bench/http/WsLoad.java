import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The WebSocket echo load of bench/http/ws.sh: CONNS connections, each sending a small text message and waiting
 * for its echo before the next (closed loop), for SECONDS; prints the messages echoed per second. The JDK's own
 * client (java.net.http.WebSocket), the same for every server measured. Run with the source launcher:
 *
 *   java bench/http/WsLoad.java ws://127.0.0.1:8080/ws 50 5
 */
public final class WsLoad {
    public static void main(String[] args) throws Exception {
        URI uri = URI.create(args[0]);
        int conns = Integer.parseInt(args[1]);
        double seconds = Double.parseDouble(args[2]);
        String payload = args.length > 3 ? "x".repeat(Integer.parseInt(args[3])) : "hello, websocket";
        AtomicLong echoed = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        AtomicLong end = new AtomicLong(Long.MAX_VALUE); // set once every connection is open
        try (HttpClient http = HttpClient.newHttpClient()) {
            CompletableFuture<?>[] done = new CompletableFuture<?>[conns];
            WebSocket[] sockets = new WebSocket[conns];
            for (int i = 0; i < conns; i++) {
                CompletableFuture<Void> finished = new CompletableFuture<>();
                done[i] = finished;
                sockets[i] = http.newWebSocketBuilder().buildAsync(uri, new WebSocket.Listener() {
                    private final StringBuilder text = new StringBuilder();

                    @Override
                    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
                        text.append(data);
                        if (last) {
                            if (!text.toString().equals(payload)) errors.incrementAndGet();
                            text.setLength(0);
                            echoed.incrementAndGet();
                            if (System.nanoTime() < end.get()) ws.sendText(payload, true);
                            else finished.complete(null);
                        }
                        ws.request(1);
                        return null;
                    }

                    @Override
                    public void onError(WebSocket ws, Throwable error) {
                        errors.incrementAndGet();
                        finished.complete(null);
                    }
                }).get(10, TimeUnit.SECONDS);
            }
            long t0 = System.nanoTime();
            end.set(t0 + (long) (seconds * 1e9));
            for (WebSocket ws : sockets) ws.sendText(payload, true);
            CompletableFuture.allOf(done).get((long) seconds + 30, TimeUnit.SECONDS);
            double elapsed = (System.nanoTime() - t0) / 1e9;
            for (WebSocket ws : sockets) ws.sendClose(WebSocket.NORMAL_CLOSURE, "").get(10, TimeUnit.SECONDS);
            System.out.printf("%.0f msg/s (%d echoed in %.2f s over %d connections, %d errors)%n",
                    echoed.get() / elapsed, echoed.get(), elapsed, conns, errors.get());
        }
    }
}
