package io.jasyncio.http;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jasyncio.Asyncio;
import io.jasyncio.Task;
import io.jasyncio.http.h2.Http2ClientOptions;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The HTTP/2 client against nginx (Debian's nginx-light has the http_v2 module) over h2c with prior knowledge:
 * a small answer, 100 concurrent requests on one connection, a 4 MiB static file through 16 KiB windows, and a
 * 2 MiB upload within nginx's windows; and {@code Upgrade: h2c}, which nginx ignores (the client stays HTTP/1.1). Skipped,
 * with a message, when nginx is absent.
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class Http2ClientInteropTest {
    private static final String NGINX = "/usr/sbin/nginx";

    private static final String CONF = """
            daemon off;
            master_process off;
            pid @DIR@/nginx.pid;
            error_log stderr warn;
            events { worker_connections 1024; }
            http {
                access_log off;
                client_body_temp_path @DIR@/body;
                proxy_temp_path @DIR@/proxy;
                fastcgi_temp_path @DIR@/fastcgi;
                uwsgi_temp_path @DIR@/uwsgi;
                scgi_temp_path @DIR@/scgi;
                client_max_body_size 16m;
                server {
                    listen 127.0.0.1:@PORT@ http2;
                    root @DIR@/www;
                    location = /hello { default_type text/plain; return 200 "hello from nginx"; }
                    location = /upload { client_body_in_single_buffer on; default_type text/plain; return 200 "took it"; }
                }
                server {
                    listen 127.0.0.1:@PORT11@;
                    location = /hello { default_type text/plain; return 200 "hello from nginx"; }
                }
            }
            """;

    @Test
    void theClientAgainstNginxOverH2c() throws Exception {
        assumeTrue(Files.isExecutable(Path.of(NGINX)), "nginx is missing: apt-get install nginx-light (with http_v2) to run this interop test");
        Path dir = Files.createTempDirectory("jasyncio-h2-nginx");
        Files.createDirectories(dir.resolve("www"));
        byte[] file = Http2ClientTest.pattern(4 << 20);
        Files.write(dir.resolve("www/big.bin"), file);
        int port, port11; // h2c by prior knowledge (nginx 1.22's "listen ... http2" takes nothing else), and HTTP/1.1
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress());
                java.net.ServerSocket s11 = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
            port11 = s11.getLocalPort();
        }
        Files.writeString(dir.resolve("nginx.conf"), CONF.replace("@DIR@", dir.toString()).replace("@PORT@", Integer.toString(port))
                .replace("@PORT11@", Integer.toString(port11)));
        Process nginx = new ProcessBuilder(NGINX, "-p", dir.toString(), "-c", dir.resolve("nginx.conf").toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("nginx.log").toFile()).start();
        try {
            awaitPort(port, nginx, dir);
            awaitPort(port11, nginx, dir);
            String base = "http://127.0.0.1:" + port;
            Asyncio.run(() -> {
                try (ClientSession s = ClientSession.builder().maxBody(16 << 20)
                        .http2(Http2ClientOptions.PRIOR_KNOWLEDGE.withWindows(65_535, 16_384)).build()) {
                    try (ClientResponse r = s.get(base + "/hello")) {
                        assertEquals("HTTP/2", r.version());
                        assertEquals("hello from nginx", r.text());
                    }
                    List<Task<String>> tasks = new ArrayList<>();
                    for (int i = 0; i < 100; i++) tasks.add(Asyncio.createTask(() -> s.get(base + "/hello").text()));
                    for (Task<String> t : tasks) assertEquals("hello from nginx", Asyncio.await(t));
                    try (ClientResponse r = s.get(base + "/big.bin")) {
                        assertTrue(Arrays.equals(file, r.read()), "the 4 MiB file, whole");
                    }
                    byte[] up = Http2ClientTest.pattern(2 << 20);
                    try (ClientResponse r = s.post(base + "/upload", up, "application/octet-stream")) {
                        assertEquals(200, r.status());
                        assertEquals("took it", r.text());
                    }
                    assertEquals(1, s.connector().openConnections(), "every request on one connection");
                }
                // nginx ignores Upgrade: h2c (it takes h2c by prior knowledge only): the client stays HTTP/1.1
                try (ClientSession s = ClientSession.builder().http2(Http2ClientOptions.UPGRADE).build()) {
                    for (int i = 0; i < 2; i++) {
                        try (ClientResponse r = s.get("http://127.0.0.1:" + port11 + "/hello")) {
                            assertEquals("HTTP/1.1", r.version());
                            assertEquals("hello from nginx", r.text());
                        }
                    }
                    assertEquals(1, s.connector().openConnections(), "the HTTP/1.1 connection kept and reused");
                }
                return null;
            });
        } finally {
            nginx.destroy();
            if (!nginx.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) nginx.destroyForcibly().waitFor();
        }
    }

    private static void awaitPort(int port, Process p, Path dir) throws Exception {
        for (int i = 0; i < 200; i++) {
            if (!p.isAlive()) fail("nginx ended: " + Files.readString(dir.resolve("nginx.log")));
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (java.io.IOException notYet) {
                Thread.sleep(50);
            }
        }
        fail("nginx did not listen on " + port + ": " + Files.readString(dir.resolve("nginx.log")));
    }
}
