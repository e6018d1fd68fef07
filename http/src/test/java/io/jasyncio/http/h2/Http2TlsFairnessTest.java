package io.jasyncio.http.h2;

import io.jasyncio.http.Served;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jasyncio.Asyncio;
import io.jasyncio.EventLoop;
import io.jasyncio.http.Application;
import io.jasyncio.http.StreamResponse;
import io.jasyncio.http.TestCerts;
import io.jasyncio.tls.TlsOptions;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A handler that writes 16 MiB at once to a fast HTTP/2-over-TLS reader (the JDK's client, whose windows are
 * large) does not hold the loop while it is encrypted: the TLS layer encrypts at most 256 KiB before it lets the
 * loop run other callbacks. Counted, not timed: a callback that runs every loop iteration records how much
 * plaintext the engine encrypted since the last one.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class Http2TlsFairnessTest {
    private static final int TOTAL = 16 << 20;

    @Test
    void aBigResponseIsEncryptedAFewSlicesPerLoopIteration() throws Exception {
        AtomicLong wrapped = new AtomicLong();
        AtomicLong maxPerIteration = new AtomicLong();
        AtomicInteger iterations = new AtomicInteger();
        Application app = new Application();
        app.router().addGet("/big", r -> {
            EventLoop loop = Asyncio.getRunningLoop();
            long start = wrapped.get();
            long[] last = {start};
            Runnable[] tick = new Runnable[1];
            tick[0] = () -> {
                long now = wrapped.get();
                maxPerIteration.accumulateAndGet(now - last[0], Math::max);
                last[0] = now;
                iterations.incrementAndGet();
                if (now - start < TOTAL) loop.callSoon(tick[0]); // until the whole body is encrypted
            };
            loop.callSoon(tick[0]);
            StreamResponse s = new StreamResponse(200).contentLength(TOTAL).prepare(r);
            s.write(new byte[TOTAL]);
            return s.writeEof();
        });
        TlsOptions tls = TlsOptions.server(WrapCountingTls.counting(TestCerts.server(), wrapped));
        try (var server = Served.start(app, tls)) {
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).sslContext(TestCerts.client()).build();
            HttpResponse<byte[]> r = client.send(HttpRequest.newBuilder(URI.create("https://localhost:" + server.port + "/big")).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(HttpClient.Version.HTTP_2, r.version());
            assertEquals(TOTAL, r.body().length);
        }
        // one iteration may finish the previous slice's credit and spend a fresh one: two slices at most
        assertTrue(maxPerIteration.get() <= 2 * 256 * 1024,
                "one loop iteration encrypted " + maxPerIteration.get() + " bytes of the 16 MiB body");
        assertTrue(iterations.get() >= TOTAL / (512 * 1024), "the loop ran " + iterations.get() + " iterations meanwhile");
    }
}
