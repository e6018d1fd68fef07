package io.jasyncio.tls;

import io.jasyncio.streams.Streams;
import io.jasyncio.streams.StreamReader;
import io.jasyncio.transport.ServerOptions;
import io.jasyncio.transport.ConnectOptions;
import static io.jasyncio.transport.NetTesting.b;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jasyncio.Asyncio;
import io.jasyncio.ExceptionContext;
import io.jasyncio.streams.StreamPair;
import io.jasyncio.subprocess.Processes;
import io.jasyncio.transport.Server;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Our own interoperability and error tests: a jasyncio TLS echo server driven by {@code openssl s_client} and
 * by CPython's asyncio client, a jasyncio client against a CPython asyncio TLS server, and peers that do not
 * speak TLS. Processes are bounded by timeouts and killed if they overrun.
 */
class TlsInteropTest {
    static final Path PYTHON = Path.of("/usr/bin/python3");
    static final Path OPENSSL = Path.of("/usr/bin/openssl");

    /** A line echo server: each connection echoes lines until EOF, then closes (with close_notify). */
    static Server echoServer() throws IOException {
        return echoServer(Integer.MAX_VALUE);
    }

    /** An echo server that closes each connection after {@code maxLines} lines (or EOF). */
    static Server echoServer(int maxLines) throws IOException {
        return Streams.startServer((reader, writer) -> {
            for (int i = 0; i < maxLines; i++) {
                byte[] line = reader.readline();
                if (line.length == 0) break;
                writer.write(line);
                writer.drain();
            }
            writer.close();
            writer.waitClosed();
        }, "127.0.0.1", 0, StreamReader.DEFAULT_LIMIT, ServerOptions.DEFAULTS.withTls(TlsOptions.server(TlsTesting.serverContext())));
    }

    static int portOf(Server s) throws IOException {
        return ((InetSocketAddress) s.getSockets().get(0).getLocalAddress()).getPort();
    }

    /** Runs a process to completion (at most 20 s) off the loop; returns its exit code and output. */
    static String[] runProcess(List<String> cmd, String stdin) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        try {
            try (OutputStream in = p.getOutputStream()) {
                in.write(stdin.getBytes(StandardCharsets.UTF_8));
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(20, TimeUnit.SECONDS)) throw new AssertionError("process did not finish: " + cmd);
            return new String[] {String.valueOf(p.exitValue()), out};
        } finally {
            p.destroyForcibly();
        }
    }

    static Path script(String text) throws IOException {
        Path f = Files.createTempFile("jasyncio-tls", ".py");
        f.toFile().deleteOnExit();
        Files.writeString(f, text);
        return f;
    }

    @Test
    void opensslClientAgainstJasyncioServer() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(OPENSSL), "no openssl");
        Path ca = TlsTesting.certDir().resolve("ca.pem");
        List<ExceptionContext> messages = SslTest.run(() -> {
            Server server = echoServer(1);
            int port = portOf(server);
            // -ign_eof: keep reading after stdin ends, until the server closes the session after one line
            String[] r = Asyncio.toThread(() -> runProcess(List.of(OPENSSL.toString(), "s_client", "-connect",
                    "127.0.0.1:" + port, "-servername", "localhost", "-verify_hostname", "localhost", "-CAfile",
                    ca.toString(), "-verify_return_error", "-ign_eof", "-brief"), "hello over TLS\n"));
            assertTrue(r[1].contains("hello over TLS"), r[1]);
            assertTrue(r[1].contains("Verification: OK"), r[1]);
            server.close();
            return null;
        });
        assertEquals(List.of(), messages);
    }

    @Test
    void pythonAsyncioClientAgainstJasyncioServer() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(PYTHON), "no /usr/bin/python3");
        Path ca = TlsTesting.certDir().resolve("ca.pem");
        Path py = script("""
                import asyncio, ssl, sys
                async def main(port, cafile):
                    ctx = ssl.create_default_context(cafile=cafile)
                    r, w = await asyncio.open_connection('127.0.0.1', port, ssl=ctx, server_hostname='localhost')
                    out = []
                    for i in range(3):
                        w.write(b'line %d\\n' % i)
                        out.append(await r.readline())
                    big = b'x' * 60000 + b'\\n'  # several TLS records, under the 64 KiB line limit
                    w.write(big)
                    echoed = await r.readexactly(len(big))
                    print(b''.join(out).decode(), end='')
                    print('big ok' if echoed == big else 'big MISMATCH')
                    print('cipher', w.get_extra_info('cipher')[0])
                    w.close()
                    await w.wait_closed()
                asyncio.run(asyncio.wait_for(main(int(sys.argv[1]), sys.argv[2]), 15))
                """);
        List<ExceptionContext> messages = SslTest.run(() -> {
            Server server = echoServer();
            int port = portOf(server);
            String[] r = Asyncio.toThread(() -> runProcess(List.of(PYTHON.toString(), py.toString(),
                    String.valueOf(port), ca.toString()), ""));
            assertEquals("0", r[0], r[1]);
            assertTrue(r[1].startsWith("line 0\nline 1\nline 2\nbig ok\ncipher "), r[1]);
            server.close();
            server.waitClosed();
            return null;
        });
        assertEquals(List.of(), messages);
    }

    @Test
    void jasyncioClientAgainstPythonAsyncioServer() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(PYTHON), "no /usr/bin/python3");
        Path dir = TlsTesting.certDir();
        Path py = script("""
                import asyncio, ssl, sys
                async def handle(r, w):
                    while line := await r.readline():
                        w.write(line.upper())
                        await w.drain()
                    w.close()
                    await w.wait_closed()
                    done.set()
                async def main(d):
                    global done
                    done = asyncio.Event()
                    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
                    ctx.load_cert_chain(d + '/server.pem', d + '/server.key')
                    srv = await asyncio.start_server(handle, '127.0.0.1', 0, ssl=ctx)
                    print(srv.sockets[0].getsockname()[1], flush=True)
                    await done.wait()
                    srv.close()
                    await srv.wait_closed()
                    print('served', flush=True)
                asyncio.run(asyncio.wait_for(main(sys.argv[1]), 15))
                """);
        Process p = new ProcessBuilder(PYTHON.toString(), py.toString(), dir.toString()).redirectErrorStream(true).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            String portLine = out.readLine();
            int port = Integer.parseInt(portLine.trim());
            List<ExceptionContext> messages = SslTest.run(() -> {
                StreamPair rw = Streams.openConnection("localhost", port, StreamReader.DEFAULT_LIMIT, ConnectOptions.overTls(TlsOptions.client(TlsTesting.clientContext()).withHandshakeTimeout(10)));
                assertInstanceOf(List.class, rw.writer().getExtraInfo("peercert"));
                rw.writer().write(b("hello python\n"));
                assertArrayEquals(b("HELLO PYTHON\n"), rw.reader().readline());
                byte[] big = SslTest.filled((byte) 'q', 60_000); // several records, under the line limit
                rw.writer().write(big);
                rw.writer().write(b("\n"));
                rw.writer().drain();
                assertEquals(60_001, rw.reader().readexactly(60_001).length);
                rw.writer().close();
                rw.writer().waitClosed();
                return null;
            });
            assertEquals(List.of(), messages);
            assertTrue(p.waitFor(20, TimeUnit.SECONDS), "the Python server did not finish");
            assertEquals("served", out.readLine());
            assertEquals(0, p.exitValue());
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    void clientAgainstAPeerThatIsNotTls() throws Exception {
        try (ServerSocket plain = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            Thread t = new Thread(() -> {
                try (Socket s = plain.accept()) {
                    s.setSoTimeout(10_000);
                    s.getInputStream().read(new byte[4096]);
                    s.getOutputStream().write(b("HTTP/1.0 400 Bad Request\r\n\r\nnot TLS at all, sorry\r\n"));
                    s.getInputStream().read(new byte[4096]);
                } catch (IOException e) {
                    // the client aborts: expected
                }
            });
            t.setDaemon(true);
            t.start();
            List<ExceptionContext> messages = SslTest.run(() -> {
                SSLHandshakeException e = assertThrows(SSLHandshakeException.class, () -> Streams.openConnection("127.0.0.1",
                        plain.getLocalPort(), StreamReader.DEFAULT_LIMIT, ConnectOptions.overTls(SslTest.clientTls())));
                assertTrue(e.getMessage().startsWith("TLS handshake with 127.0.0.1:" + plain.getLocalPort() + " failed"),
                        e.getMessage());
                return null;
            });
            assertEquals(List.of(), messages);
            t.join(5_000);
        }
    }

    @Test
    void serverSurvivesABadClient() throws Exception {
        List<ExceptionContext> messages = SslTest.run(() -> {
            Server server = echoServer();
            int port = portOf(server);
            // a plain-text client: its connection fails the handshake and is closed
            String reply = Asyncio.toThread(() -> {
                try (Socket s = new Socket("127.0.0.1", port)) {
                    s.setSoTimeout(10_000);
                    s.getOutputStream().write(b("GET / HTTP/1.0\r\n\r\n"));
                    return new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
                } catch (IOException e) {
                    return "reset";
                }
            });
            assertTrue(!reply.contains("GET"), reply);
            // the server still serves TLS clients
            StreamPair rw = Streams.openConnection("127.0.0.1", port, StreamReader.DEFAULT_LIMIT, ConnectOptions.overTls(TlsOptions.client(TlsTesting.clientContext()).withServerHostname("localhost")));
            rw.writer().write(b("still here\n"));
            assertArrayEquals(b("still here\n"), rw.reader().readline());
            rw.writer().close();
            rw.writer().waitClosed();
            server.close();
            server.waitClosed();
            return null;
        });
        assertEquals(List.of(), messages);
    }

    @Test
    void manyConcurrentEchoClients() throws Exception {
        List<ExceptionContext> messages = SslTest.run(() -> {
            Server server = echoServer();
            int port = portOf(server);
            TlsOptions tls = TlsOptions.client(TlsTesting.clientContext()).withServerHostname("localhost");
            List<io.jasyncio.Future<?>> tasks = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                int n = i;
                tasks.add(Asyncio.createTask(() -> {
                    StreamPair rw = Streams.openConnection("127.0.0.1", port, StreamReader.DEFAULT_LIMIT, ConnectOptions.overTls(tls));
                    for (int k = 0; k < 20; k++) {
                        byte[] line = b("client " + n + " line " + k + "\n");
                        rw.writer().write(line);
                        assertArrayEquals(line, rw.reader().readline());
                    }
                    rw.writer().close();
                    rw.writer().waitClosed();
                    return null;
                }));
            }
            Asyncio.await(Asyncio.gather(tasks, false));
            server.close();
            server.waitClosed();
            return null;
        });
        assertEquals(List.of(), messages);
    }
}
