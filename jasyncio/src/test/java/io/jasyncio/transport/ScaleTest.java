package io.jasyncio.transport;

import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.Asyncio;
import io.jasyncio.Task;
import io.jasyncio.streams.StreamPair;
import io.jasyncio.streams.StreamReader;
import io.jasyncio.streams.Streams;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The sizes the I/O issue names: 100 MB through one connection, 10,000 connections open at once in one loop. */
@Timeout(value = 180, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ScaleTest {
    @Test
    void hundredMegabytesComeBackIntact() {
        Asyncio.run(() -> {
            byte[] payload = new byte[100 * 1024 * 1024];
            new Random(7).nextBytes(payload);
            try (Server srv = Net.createServer(EchoLoadTest.EchoProtocol::new, "127.0.0.1", 0)) {
                StreamPair p = Streams.openConnection("127.0.0.1", ServerTest.portOf(srv));
                MessageDigest back = MessageDigest.getInstance("SHA-256");
                Task<Long> reading = Asyncio.createTask(() -> {
                    long n = 0;
                    for (byte[] chunk; (chunk = p.reader().read(1 << 20)).length > 0; n += chunk.length) back.update(chunk);
                    return n;
                });
                for (int off = 0; off < payload.length; off += 1 << 20) {
                    p.writer().write(java.nio.ByteBuffer.wrap(payload, off, Math.min(1 << 20, payload.length - off)));
                    p.writer().drain(); // back-pressure: memory stays near the high-water mark
                }
                p.writer().writeEof();
                assertEquals(payload.length, Asyncio.await(reading));
                assertArrayEquals(MessageDigest.getInstance("SHA-256").digest(payload), back.digest());
                p.writer().close();
                p.writer().waitClosed();
                srv.close();
                srv.waitClosed();
            }
            return null;
        });
    }

    private static final String CLIENTS = """
            import asyncio, sys
            async def main(port, n):
                gate = asyncio.Semaphore(500)
                async def one(i):
                    async with gate:
                        r, w = await asyncio.open_connection("127.0.0.1", port)
                    msg = f"client {i}\\n".encode()
                    w.write(msg)
                    await w.drain()
                    assert await r.readline() == msg
                    return w
                writers = await asyncio.gather(*[one(i) for i in range(n)])
                print("connected", len(writers), flush=True)
                await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)
                for w in writers:
                    w.close()
                await asyncio.gather(*[w.wait_closed() for w in writers], return_exceptions=True)
                print("closed", flush=True)
            asyncio.run(main(int(sys.argv[1]), int(sys.argv[2])))
            """;

    @Test
    void tenThousandConnectionsOpenAtOnceInOneLoop() throws Exception {
        Path python = Path.of("/usr/bin/python3");
        Assumptions.assumeTrue(Files.isExecutable(python), "skipped: /usr/bin/python3 is not installed");
        Path script = Files.createTempFile("jasyncio-clients", ".py");
        Files.writeString(script, CLIENTS);
        int n = 10_000;
        try {
            int peak = Asyncio.run(() -> {
                try (Server srv = Streams.startServer(FaultsTest.ECHO, "127.0.0.1", 0, StreamReader.DEFAULT_LIMIT,
                        ServerOptions.DEFAULTS.withBacklog(1024))) {
                    // Python's asyncio, in its own process, is the client: 10,000 sockets on each side.
                    Process p = new ProcessBuilder(python.toString(), script.toString(),
                            String.valueOf(ServerTest.portOf(srv)), String.valueOf(n)).redirectErrorStream(true).start();
                    BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
                    try {
                        String line = Asyncio.toThread(out::readLine);
                        assertEquals("connected " + n, line);
                        int open = srv.activeConnections();
                        OutputStream in = p.getOutputStream();
                        Asyncio.toThread(() -> {
                            in.write('\n');
                            in.flush();
                            return null;
                        });
                        assertEquals("closed", Asyncio.toThread(out::readLine));
                        for (int i = 0; i < 1000 && srv.activeConnections() > 0; i++) Asyncio.sleep(0.01);
                        assertEquals(0, srv.activeConnections(), "every connection ended on the server too");
                        return open;
                    } finally {
                        p.destroyForcibly();
                        p.waitFor();
                        srv.close();
                        srv.waitClosed();
                    }
                }
            });
            assertEquals(n, peak);
        } finally {
            Files.deleteIfExists(script);
        }
    }
}
