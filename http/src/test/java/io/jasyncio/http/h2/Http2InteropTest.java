package io.jasyncio.http.h2;

import io.jasyncio.http.Served;
import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jasyncio.http.Application;
import io.jasyncio.http.Response;
import io.jasyncio.http.TestCerts;
import io.jasyncio.tls.TlsOptions;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The HTTP/2 server against other implementations: the JDK's {@link HttpClient} over TLS (ALPN h2), and nghttp2's
 * {@code nghttp} and {@code h2load} over cleartext with prior knowledge (Debian's nghttp2-client; .ci/run installs it).
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class Http2InteropTest {
    static Application app() {
        Application app = Http2ServerTest.app();
        app.router().addGet("/version", r -> Response.text(r.version() + " secure=" + r.secure()));
        return app;
    }

    private static HttpClient jdkClient(HttpClient.Version v) throws Exception {
        return HttpClient.newBuilder().version(v).sslContext(TestCerts.client()).build();
    }

    @Test
    void jdkClientNegotiatesH2ByAlpnAndMultiplexesManyStreams() throws Exception {
        try (var server = Served.start(app(), TlsOptions.server(TestCerts.server()))) {
            HttpClient client = jdkClient(HttpClient.Version.HTTP_2);
            String base = "https://localhost:" + server.port;
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(base + "/version")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(HttpClient.Version.HTTP_2, r.version());
            assertEquals("HTTP/2 secure=true", r.body());
            // 90 requests at once: one connection, many streams (the server allows 100 at a time; the JDK's client
            // fails a request over the limit rather than waiting)
            List<CompletableFuture<HttpResponse<String>>> all = new ArrayList<>();
            for (int i = 0; i < 90; i++) {
                all.add(client.sendAsync(HttpRequest.newBuilder(URI.create(base + "/sleep?s=0.05")).build(), HttpResponse.BodyHandlers.ofString()));
            }
            for (var f : all) {
                HttpResponse<String> x = f.get(60, TimeUnit.SECONDS);
                assertEquals(200, x.statusCode());
                assertEquals(HttpClient.Version.HTTP_2, x.version());
                assertEquals("slept 0.05", x.body());
            }
        }
    }

    @Test
    void jdkClientLargeBodiesBothWays() throws Exception {
        try (var server = Served.start(app(), TlsOptions.server(TestCerts.server()))) {
            HttpClient client = jdkClient(HttpClient.Version.HTTP_2);
            String base = "https://localhost:" + server.port;
            HttpResponse<byte[]> down = client.send(HttpRequest.newBuilder(URI.create(base + "/big?n=" + (16 << 20))).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(HttpClient.Version.HTTP_2, down.version());
            assertEquals(16 << 20, down.body().length);
            byte[] up = new byte[8 << 20];
            new Random(5).nextBytes(up);
            HttpResponse<byte[]> echo = client.send(HttpRequest.newBuilder(URI.create(base + "/echo"))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(up)).build(), HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(200, echo.statusCode());
            assertArrayEquals(up, echo.body());
        }
    }

    @Test
    void http11ClientsAreStillServedOnTheTlsSite() throws Exception {
        try (var server = Served.start(app(), TlsOptions.server(TestCerts.server()))) {
            HttpResponse<String> r = jdkClient(HttpClient.Version.HTTP_1_1).send(
                    HttpRequest.newBuilder(URI.create("https://localhost:" + server.port + "/version")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(HttpClient.Version.HTTP_1_1, r.version());
            assertEquals("HTTP/1.1 secure=true", r.body());
        }
    }

    private static boolean has(String tool) {
        return Files.isExecutable(Path.of("/usr/bin", tool));
    }

    private static String run(Path input, String... cmd) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        if (input != null) pb.redirectInput(input.toFile());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "did not end: " + String.join(" ", cmd));
        assertEquals(0, p.exitValue(), String.join(" ", cmd) + ":\n" + out);
        return out;
    }

    @Test
    void nghttpWithPriorKnowledge() throws Exception {
        assumeTrue(has("nghttp"), "nghttp is missing: apt-get install nghttp2-client (.ci/run does)");
        try (var server = Served.start(app(), null)) {
            String base = "http://127.0.0.1:" + server.port;
            assertEquals("HTTP/2 secure=false", run(null, "nghttp", base + "/version").trim());
            Path data = Files.createTempFile("h2-upload", ".bin");
            try {
                byte[] up = new byte[3 << 20];
                new Random(2).nextBytes(up);
                Files.write(data, up);
                String out = run(null, "nghttp", "-s", "-d", data.toString(), base + "/echo");
                assertTrue(out.contains("200"), out);
                // the body itself, through nghttp's output
                Process p = new ProcessBuilder("nghttp", "-d", data.toString(), base + "/echo").start();
                byte[] echoed = p.getInputStream().readAllBytes();
                assertTrue(p.waitFor(60, TimeUnit.SECONDS));
                assertArrayEquals(up, echoed);
            } finally {
                Files.delete(data);
            }
        }
    }

    @Test
    void h2loadManyStreamsOnFewConnections() throws Exception {
        assumeTrue(has("h2load"), "h2load is missing: apt-get install nghttp2-client (.ci/run does)");
        try (var server = Served.start(app(), null)) {
            String out = run(null, "h2load", "-n", "2000", "-c", "4", "-m", "20", "http://127.0.0.1:" + server.port + "/hello");
            assertTrue(out.contains("2000 succeeded, 0 failed, 0 errored"), out);
            assertTrue(out.contains("Application protocol: h2c"), out);
        }
    }
}
