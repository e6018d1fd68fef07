package io.jasyncio.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.net.StandardProtocolFamily;
import java.net.URI;
import java.net.UnixDomainSocketAddress;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code jasyncio web-server --static DIR --https} and {@code --unix PATH} in a process of their own (issue 17):
 * a file served over HTTPS with the certificate made on the fly (the client pins the fingerprint the server
 * printed), and over a Unix socket.
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class WebServerOptionsTest {
    @TempDir
    Path tmp;

    private static Process start(String... args) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (a.startsWith("--add-opens") || a.startsWith("--add-exports")) cmd.add(a);
        }
        String engine = System.getProperty("jasyncio.engine");
        if (engine != null) cmd.add("-Djasyncio.engine=" + engine);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "io.jasyncio.cli.Main", "web-server"));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).redirectErrorStream(true).start();
    }

    /** Reads the server's output until a line matches {@code p}; its match. */
    private static Matcher await(BufferedReader out, Pattern p, StringBuilder seen) throws Exception {
        for (String line; (line = out.readLine()) != null; ) {
            seen.append(line).append('\n');
            Matcher m = p.matcher(line);
            if (m.find()) return m;
        }
        throw new AssertionError("the server ended without printing " + p + ":\n" + seen);
    }

    private static void stop(Process p) throws Exception {
        p.destroy(); // SIGTERM: a graceful shutdown, exit 0
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue());
    }

    @Test
    void httpsWithACertificateMadeOnTheFlyServesStaticFiles() throws Exception {
        Files.writeString(tmp.resolve("hello.txt"), "static over TLS\n");
        Process p = start("--port", "0", "--https", "--static", tmp.toString());
        try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            StringBuilder seen = new StringBuilder();
            String fingerprint = await(out, Pattern.compile("SHA-256 ([0-9A-F:]+)"), seen).group(1);
            int port = Integer.parseInt(await(out, Pattern.compile("Running on https://127\\.0\\.0\\.1:(\\d+)"), seen).group(1));
            try (HttpClient client = HttpClient.newBuilder().sslContext(pinning(fingerprint)).build()) {
                HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("https://localhost:" + port + "/static/hello.txt")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(200, r.statusCode());
                assertEquals("static over TLS\n", r.body());
                assertEquals(404, client.send(HttpRequest.newBuilder(URI.create("https://localhost:" + port + "/static/../hello.txt")).build(),
                        HttpResponse.BodyHandlers.ofString()).statusCode());
            }
            stop(p);
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    void aUnixSocketSite() throws Exception {
        Path sock = tmp.resolve("web.sock");
        Process p = start("--unix", sock.toString());
        try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            await(out, Pattern.compile("Running on http://unix:" + Pattern.quote(sock.toString()) + ":"), new StringBuilder());
            try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
                ch.connect(UnixDomainSocketAddress.of(sock));
                ch.write(ByteBuffer.wrap("GET /hello/unix HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII)));
                String reply = new String(Channels.newInputStream(ch).readAllBytes(), StandardCharsets.ISO_8859_1);
                assertTrue(reply.startsWith("HTTP/1.1 200 OK") && reply.endsWith("Hello, unix!"), reply);
            }
            stop(p);
            assertFalse(Files.exists(sock), "the socket file is removed at the end");
        } finally {
            p.destroyForcibly();
        }
    }

    /** A client context that trusts exactly the certificate with this SHA-256 fingerprint. */
    private static SSLContext pinning(String fingerprint) throws Exception {
        X509TrustManager tm = new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {
                throw new UnsupportedOperationException();
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) throws java.security.cert.CertificateException {
                try {
                    String fp = HexFormat.ofDelimiter(":").withUpperCase().formatHex(MessageDigest.getInstance("SHA-256").digest(chain[0].getEncoded()));
                    if (!fp.equals(fingerprint)) throw new java.security.cert.CertificateException("not the pinned certificate: " + fp);
                } catch (java.security.NoSuchAlgorithmException e) {
                    throw new java.security.cert.CertificateException(e);
                }
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        };
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, new TrustManager[] {tm}, null);
        return ctx;
    }
}
