package io.jasyncio.transport;

import static io.jasyncio.transport.NetTesting.b;
import static io.jasyncio.transport.NetTesting.s;
import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.Asyncio;
import io.jasyncio.Task;
import io.jasyncio.streams.StreamPair;
import io.jasyncio.streams.StreamReader;
import io.jasyncio.streams.Streams;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Echo servers under load: many connections, a big payload, and Python's own asyncio as the client. */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class EchoLoadTest {

    /** A zero-copy echo protocol: what arrives is written straight back from the loop's read buffer. */
    static final class EchoProtocol implements Protocol {
        private Transport transport;

        @Override public void connectionMade(BaseTransport t) {
            transport = (Transport) t;
        }

        @Override public void dataReceived(ByteBuffer data) {
            transport.write(data);
        }

        @Override public boolean eofReceived() {
            return false; // the peer is done: close once everything is echoed (close() flushes first)
        }
    }

    static byte[] sha256(byte[] data) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(data);
    }

    // A 10 MB payload through the protocol echo server comes back intact (checked by SHA-256).
    @Test
    void tenMegabytesThroughTheEchoServer() {
        Asyncio.run(() -> {
            byte[] payload = new byte[10 * 1024 * 1024];
            new Random(42).nextBytes(payload);
            Server srv = Net.createServer(EchoProtocol::new, "127.0.0.1", 0);
            StreamPair p = Streams.openConnection("127.0.0.1", ServerTest.portOf(srv));
            Task<byte[]> reading = Asyncio.createTask(() -> p.reader().read());
            p.writer().write(payload);
            p.writer().drain();
            p.writer().writeEof();
            byte[] back = Asyncio.await(reading);
            assertEquals(payload.length, back.length);
            assertArrayEquals(sha256(payload), sha256(back));
            p.writer().close();
            p.writer().waitClosed();
            srv.close();
            srv.waitClosed();
            return null;
        });
    }

    // 1,000 connections at once in one loop, each sending its own lines and reading them back.
    @Test
    void thousandConcurrentConnections() {
        Asyncio.run(() -> {
            Server srv = Streams.startServer(FaultsTest.ECHO, "127.0.0.1", 0,
                    StreamReader.DEFAULT_LIMIT, ServerOptions.DEFAULTS.withBacklog(1024));
            int port = ServerTest.portOf(srv);
            List<Task<Integer>> clients = new ArrayList<>();
            for (int i = 0; i < 1000; i++) {
                int id = i;
                clients.add(Asyncio.createTask(() -> {
                    StreamPair p = Streams.openConnection("127.0.0.1", port);
                    int ok = 0;
                    for (int k = 0; k < 3; k++) {
                        String line = "client " + id + " line " + k + "\n";
                        p.writer().write(b(line));
                        if (s(p.reader().readline()).equals(line)) ok++;
                    }
                    p.writer().close();
                    p.writer().waitClosed();
                    return ok;
                }));
            }
            // all connected at once before any finished? at least they all ran concurrently in this loop
            int total = 0;
            for (Task<Integer> t : clients) total += Asyncio.await(t);
            assertEquals(3000, total);
            srv.close();
            srv.waitClosed();
            assertEquals(0, srv.activeConnections());
            return null;
        });
    }

    // Python's own asyncio client talks to a jasyncio echo server: lines, a 1 MB block and EOF.
    @Test
    void pythonAsyncioClientAgainstJasyncioServer() throws Exception {
        Path python = Path.of("/usr/bin/python3");
        Assumptions.assumeTrue(Files.isExecutable(python), "skipped: /usr/bin/python3 is not installed");
        Path script = Files.createTempFile("jasyncio-interop", ".py");
        Files.writeString(script, """
                import asyncio, hashlib, sys

                async def main(port):
                    reader, writer = await asyncio.open_connection('127.0.0.1', port)
                    for i in range(100):
                        writer.write(b'line %d\\n' % i)
                        await writer.drain()
                        assert await reader.readline() == b'line %d\\n' % i
                    block = bytes(range(256)) * 4096
                    writer.write(block)
                    writer.write_eof()
                    back = await reader.read()
                    assert hashlib.sha256(back).digest() == hashlib.sha256(block).digest(), len(back)
                    writer.close()
                    await writer.wait_closed()
                    print('OK')

                asyncio.run(main(int(sys.argv[1])))
                """);
        try {
            String out = Asyncio.run(() -> {
                Server srv = Net.createServer(EchoProtocol::new, "127.0.0.1", 0);
                int port = ServerTest.portOf(srv);
                // The Python process runs on another thread; the loop keeps serving meanwhile.
                String result = Asyncio.toThread(() -> {
                    Process proc = new ProcessBuilder(python.toString(), script.toString(), String.valueOf(port))
                            .redirectErrorStream(true).start();
                    try {
                        if (!proc.waitFor(60, TimeUnit.SECONDS)) {
                            proc.destroyForcibly();
                            return "python client timed out";
                        }
                        return new String(proc.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
                    } finally {
                        proc.destroyForcibly();
                    }
                });
                srv.close();
                srv.closeClients();
                srv.waitClosed();
                return result;
            });
            assertEquals("OK", out);
        } finally {
            Files.deleteIfExists(script);
        }
    }

    // The echo protocol over a Unix domain socket.
    @Test
    void unixEchoRoundTrip() {
        NetTesting.runWithSocketPath(path -> {
            Server srv = Net.createUnixServer(EchoProtocol::new, path);
            StreamPair p = Streams.openUnixConnection(path);
            p.writer().write(b("over unix\n"));
            assertEquals("over unix\n", s(p.reader().readline()));
            p.writer().close();
            p.writer().waitClosed();
            srv.close();
            srv.waitClosed();
        });
    }

    static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }
}
