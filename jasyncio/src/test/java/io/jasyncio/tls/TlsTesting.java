package io.jasyncio.tls;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.Assumptions;

/**
 * TLS test fixtures, made at test time with {@code openssl} into a temporary directory deleted when the JVM
 * exits (no key is ever committed): a CA, a server certificate for {@code localhost} signed by it (as CPython's
 * {@code SIGNED_CERTFILE}: no IP address in it, so connecting to 127.0.0.1 needs server name "localhost"), and a
 * second, unrelated CA. Plus a blocking peer on its own thread (CPython's {@code TestThreadedServer}).
 */
public final class TlsTesting {
    private TlsTesting() {}

    public static final char[] PASSWORD = "jasyncio-test".toCharArray();
    private static Path dir;

    /** The directory with ca.pem, server.pem, server.key, server.p12, other-ca.pem. */
    public static synchronized Path certDir() {
        if (dir != null) return dir;
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/openssl")), "openssl is needed to make test certificates");
        try {
            Path d = Files.createTempDirectory("jasyncio-tls");
            Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(d)));
            String subjCa = "/CN=jasyncio test CA";
            openssl(d, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem",
                    "-days", "2", "-subj", subjCa, "-addext", "basicConstraints=critical,CA:TRUE",
                    "-addext", "keyUsage=critical,keyCertSign,cRLSign");
            openssl(d, "req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out", "server.csr",
                    "-subj", "/CN=localhost");
            Files.writeString(d.resolve("ext.cnf"), "subjectAltName=DNS:localhost\n"
                    + "basicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth,clientAuth\n");
            openssl(d, "x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
                    "-out", "server.pem", "-days", "2", "-extfile", "ext.cnf");
            openssl(d, "pkcs12", "-export", "-in", "server.pem", "-inkey", "server.key", "-certfile", "ca.pem",
                    "-name", "server", "-out", "server.p12", "-passout", "pass:" + new String(PASSWORD));
            openssl(d, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "other-ca.key", "-out",
                    "other-ca.pem", "-days", "2", "-subj", "/CN=unrelated CA");
            dir = d;
            return d;
        } catch (IOException e) {
            throw new IllegalStateException("cannot make the test certificates", e);
        }
    }

    private static void openssl(Path d, String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add("/usr/bin/openssl");
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(d.toFile()).redirectErrorStream(true).start();
        try {
            String out = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IOException("openssl " + String.join(" ", args) + " failed: " + out);
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            throw new IOException(e);
        }
    }

    private static void deleteTree(Path d) {
        try (Stream<Path> s = Files.walk(d)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // best effort at JVM exit
        }
    }

    /** The server's context: key and certificate chain of "localhost". */
    public static SSLContext serverContext() {
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(certDir().resolve("server.p12"))) {
                ks.load(in, PASSWORD);
            }
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, PASSWORD);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(kmf.getKeyManagers(), null, null);
            return ctx;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A client context trusting the test CA (CPython's {@code SIGNING_CA}). */
    public static SSLContext clientContext() {
        return trusting("ca.pem");
    }

    /** A client context trusting only an unrelated CA: the server's certificate fails verification. */
    public static SSLContext untrustingClientContext() {
        return trusting("other-ca.pem");
    }

    private static SSLContext trusting(String caFile) {
        try {
            KeyStore ts = KeyStore.getInstance("PKCS12");
            ts.load(null, null);
            try (InputStream in = Files.newInputStream(certDir().resolve(caFile))) {
                ts.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(ts);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, tmf.getTrustManagers(), null);
            return ctx;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A client context that accepts any certificate (Python's {@code verify_mode = CERT_NONE}). */
    public static SSLContext insecureClientContext() {
        try {
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, new TrustManager[] {new X509TrustManager() {
                @Override
                public void checkClientTrusted(X509Certificate[] chain, String authType) {}

                @Override
                public void checkServerTrusted(X509Certificate[] chain, String authType) {}

                @Override
                public X509Certificate[] getAcceptedIssuers() {
                    return new X509Certificate[0];
                }
            }}, null);
            return ctx;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Client options as CPython's tests use them: {@code server_hostname=''} and no host name check. */
    public static TlsOptions clientNoHostname(SSLContext ctx) {
        return TlsOptions.client(ctx).withCheckHostname(false).withServerHostname("");
    }

    // ---------------------------------------------------------------- blocking peer

    /** One connection, seen through blocking sockets (CPython's {@code TestSocketWrapper}). */
    public static final class PeerSocket {
        Socket sock;
        /** The TCP socket under any TLS layer. */
        final Socket plain;

        PeerSocket(Socket sock) {
            this.sock = sock;
            this.plain = sock;
        }

        /** Shuts the TCP connection down both ways, under the TLS layer (Python's {@code sock.shutdown(SHUT_RDWR)}). */
        void plainShutdown() throws IOException {
            plain.shutdownOutput();
            plain.shutdownInput();
        }

        byte[] recvAll(int n) throws IOException {
            byte[] buf = new byte[n];
            int got = 0;
            InputStream in = sock.getInputStream();
            while (got < n) {
                int r = in.read(buf, got, n - got);
                if (r < 0) throw new IOException("ConnectionAbortedError: EOF after " + got + " of " + n + " bytes");
                got += r;
            }
            return buf;
        }

        /** Reads until EOF; returns how many bytes came. */
        long recvToEof() throws IOException {
            InputStream in = sock.getInputStream();
            byte[] buf = new byte[65536];
            long total = 0;
            int r;
            while ((r = in.read(buf)) >= 0) total += r;
            return total;
        }

        void sendAll(byte[] data) throws IOException {
            sock.getOutputStream().write(data);
            sock.getOutputStream().flush();
        }

        /** Layers TLS over the connection and runs the handshake. */
        void startTls(SSLContext ctx, boolean serverSide) throws IOException {
            Socket plain = sock;
            SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket(plain, "localhost", plain.getPort(), true);
            s.setUseClientMode(!serverSide);
            s.startHandshake();
            sock = s;
        }

        void close() throws IOException {
            sock.close();
        }
    }

    /** What a peer thread runs on each connection. */
    @FunctionalInterface
    interface Prog {
        void run(PeerSocket sock) throws Exception;
    }

    /**
     * A blocking server on 127.0.0.1 in its own thread, serving up to {@code maxClients} connections one after
     * the other with {@code prog}; every socket has a read timeout, so nothing hangs. {@link #close()} joins
     * it and rethrows the first failure of {@code prog}.
     */
    public static final class ThreadedServer implements AutoCloseable {
        private final ServerSocket server;
        private final Thread thread;
        private volatile Throwable failure;

        ThreadedServer(Prog prog, int maxClients, int timeoutMillis) throws IOException {
            server = new ServerSocket();
            server.bind(new InetSocketAddress("127.0.0.1", 0), maxClients);
            server.setSoTimeout(timeoutMillis);
            thread = new Thread(() -> {
                try {
                    for (int i = 0; i < maxClients; i++) {
                        Socket c;
                        try {
                            c = server.accept();
                        } catch (java.net.SocketException closed) {
                            return;
                        }
                        c.setSoTimeout(timeoutMillis);
                        try (c) {
                            PeerSocket ps = new PeerSocket(c);
                            try {
                                prog.run(ps);
                            } finally {
                                ps.close();
                            }
                        }
                    }
                } catch (Throwable e) {
                    failure = e;
                }
            }, "tls-test-server");
            thread.setDaemon(true);
            thread.start();
        }

        ThreadedServer(Prog prog) throws IOException {
            this(prog, 1, 10_000);
        }

        int port() {
            return server.getLocalPort();
        }

        @Override
        public void close() throws Exception {
            thread.join(15_000);
            server.close();
            thread.join(5_000);
            if (thread.isAlive()) throw new AssertionError("the test server thread did not finish");
            if (failure instanceof Exception e) throw e;
            if (failure instanceof Error e) throw e;
        }
    }

    /** A blocking client thread (CPython's {@code TestThreadedClient}); {@link #join()} rethrows its failure. */
    public static final class ThreadedClient {
        private final Thread thread;
        private volatile Throwable failure;

        ThreadedClient(int port, Prog prog) {
            thread = new Thread(() -> {
                try (Socket s = new Socket()) {
                    s.setSoTimeout(10_000);
                    s.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
                    PeerSocket ps = new PeerSocket(s);
                    try {
                        prog.run(ps);
                    } finally {
                        ps.close();
                    }
                } catch (Throwable e) {
                    failure = e;
                }
            }, "tls-test-client");
            thread.setDaemon(true);
            thread.start();
        }

        boolean isAlive() {
            return thread.isAlive();
        }

        Throwable failure() {
            return failure;
        }

        void join() throws Exception {
            thread.join(15_000);
            if (thread.isAlive()) throw new AssertionError("the test client thread did not finish");
            if (failure instanceof Exception e) throw e;
            if (failure instanceof Error e) throw e;
        }
    }
}
