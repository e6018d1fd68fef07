package io.jasyncio.loadtest;

import io.jasyncio.tls.TlsOptions;
import io.jasyncio.transport.BaseTransport;
import io.jasyncio.transport.Net;
import io.jasyncio.transport.Protocol;
import io.jasyncio.transport.Server;
import io.jasyncio.transport.ServerOptions;
import io.jasyncio.transport.Transport;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Assumptions;

/**
 * An HTTPS server for the load tester's tests, on the library's TLS: a self-signed certificate for "localhost"
 * (made once with openssl; the test is skipped where openssl is missing), answering every request "ok" with
 * keep-alive. Started on the running loop; close it there.
 */
public final class TlsServer implements AutoCloseable {
    private static SSLContext context;
    private final Server server;

    public TlsServer() throws IOException {
        server = Net.createServer(Answer::new, "127.0.0.1", 0, ServerOptions.DEFAULTS.withTls(TlsOptions.server(context())));
    }

    public int port() {
        return ((InetSocketAddress) server.getSockets().get(0).socket().getLocalSocketAddress()).getPort();
    }

    public String url(String path) {
        return "https://127.0.0.1:" + port() + path;
    }

    @Override
    public void close() {
        server.close();
        server.closeClients();
    }

    /** Answers each request head (up to its blank line; no bodies) with a 200 "ok". */
    private static final class Answer implements Protocol {
        private static final byte[] OK = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok".getBytes(StandardCharsets.ISO_8859_1);
        private Transport transport;
        private int matched;   // how much of CRLF CRLF was seen

        @Override
        public void connectionMade(BaseTransport t) {
            transport = (Transport) t;
        }

        @Override
        public void dataReceived(ByteBuffer data) {
            while (data.hasRemaining()) {
                byte b = data.get();
                matched = b == "\r\n\r\n".charAt(matched) ? matched + 1 : (b == '\r' ? 1 : 0);
                if (matched == 4) {
                    matched = 0;
                    transport.write(ByteBuffer.wrap(OK));
                }
            }
        }

        @Override
        public boolean eofReceived() {
            return false;
        }

        @Override
        public void connectionLost(Throwable exc) {}
    }

    private static synchronized SSLContext context() {
        if (context != null) return context;
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/openssl")), "openssl is needed to make a test certificate");
        char[] password = "loadtest".toCharArray();
        try {
            Path d = Files.createTempDirectory("loadtest-tls");
            run(d, "/usr/bin/openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "k.pem", "-out", "c.pem",
                    "-days", "2", "-subj", "/CN=localhost");
            run(d, "/usr/bin/openssl", "pkcs12", "-export", "-in", "c.pem", "-inkey", "k.pem", "-name", "server", "-out",
                    "s.p12", "-passout", "pass:loadtest");
            KeyStore ks = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(d.resolve("s.p12"))) {
                ks.load(in, password);
            }
            for (String f : List.of("k.pem", "c.pem", "s.p12")) Files.delete(d.resolve(f));
            Files.delete(d);
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, password);
            SSLContext c = SSLContext.getInstance("TLS");
            c.init(kmf.getKeyManagers(), null, null);
            context = c;
            return c;
        } catch (Exception e) {
            throw new IllegalStateException("cannot make the test certificate", e);
        }
    }

    private static void run(Path dir, String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) throw new IOException(String.join(" ", cmd) + ": " + out);
    }
}
