package io.jasyncio.http;

import java.io.IOException;
import static io.jasyncio.http.ClientTesting.*;
import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.Asyncio;
import io.jasyncio.transport.Server;
import io.jasyncio.streams.StreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Streamed bodies: uploads from a {@link ByteSource}, a {@link StreamReader} and a file, sent with
 * backpressure; downloads read with {@link ResponseContent}, a 1 GiB one in bounded memory.
 */
@Timeout(value = 180, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ClientStreamingTest {
    /** Reads each request (chunked or with a length) after {@code pause} seconds and answers with its size. */
    private static Server counting(double pause) throws IOException {
        return raw((in, out) -> {
          for (String head; (head = readHead(in)) != null; ) {
            Asyncio.sleep(pause);
            long n = 0;
            if (head.toLowerCase().contains("transfer-encoding: chunked")) {
                while (true) {
                    long size = Long.parseLong(new String(in.readuntil("\r\n".getBytes())).trim(), 16);
                    if (size == 0) break;
                    for (long left = size; left > 0; ) left -= in.read((int) Math.min(left, 1 << 16)).length;
                    in.readexactly(2);
                    n += size;
                }
                in.readexactly(2);
            } else {
                int at = head.toLowerCase().indexOf("content-length: ");
                long len = Long.parseLong(head.substring(at + 16, head.indexOf('\r', at)));
                while (n < len) n += in.read((int) Math.min(len - n, 1 << 16)).length;
            }
            byte[] answer = String.valueOf(n).getBytes(StandardCharsets.US_ASCII);
            out.write(("HTTP/1.1 200 OK\r\nContent-Length: " + answer.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(answer);
            out.drain();
          }
          out.close();
        });
    }

    @Test
    void aStreamedUploadIsSentChunkedAndHeldBackByASlowServer() {
        virtual(() -> {
            AtomicLong pulled = new AtomicLong();
            byte[] piece = new byte[1 << 20];
            try (Server s = counting(5); ClientSession http = new ClientSession()) {
                ByteSource source = () -> {
                    if (pulled.get() == 64) return null;
                    pulled.incrementAndGet();
                    return piece;
                };
                var upload = Asyncio.createTask(() -> http.post("http://127.0.0.1:" + port(s) + "/",
                        RequestOptions.of().body(RequestBody.stream(source, "application/octet-stream"))).text());
                Asyncio.sleep(4); // the server reads nothing for 5 s
                long early = pulled.get();
                assertTrue(early < 24, "the source is asked only as the bytes leave: " + early + " MiB pulled of 64 while the server did not read");
                assertEquals(String.valueOf(64L << 20), Asyncio.await(upload));
            }
            return null;
        });
    }

    @Test
    void uploadsFromAStreamReaderAndAFile(@TempDir Path dir) throws Exception {
        byte[] data = new byte[3_000_000];
        new Random(5).nextBytes(data);
        Path file = dir.resolve("up.bin");
        Files.write(file, data);
        virtual(() -> {
            try (Server s = counting(0); ClientSession http = new ClientSession()) {
                String url = "http://127.0.0.1:" + port(s) + "/";
                StreamReader reader = new StreamReader();
                reader.feedData("hello, ".getBytes());
                reader.feedData("stream".getBytes());
                reader.feedEof();
                assertEquals("13", http.post(url, RequestOptions.of().body(RequestBody.stream(reader, "text/plain"))).text());
                assertEquals(String.valueOf(data.length), http.post(url, RequestOptions.of().body(RequestBody.file(file, null))).text());
            }
            return null;
        });
    }

    @Test
    void theBodyAsAStream() {
        Application app = new Application();
        app.router().addGet("/lines", r -> Response.text("first line\nsecond\n" + "x".repeat(100_000) + "\nlast"));
        virtual(() -> withApp(app, base -> {
            try (ClientSession http = new ClientSession()) {
                ClientResponse r = http.get(base + "/lines");
                ResponseContent c = r.content();
                assertEquals("first line\n", new String(c.readLine()));
                assertEquals("sec", new String(c.readExactly(3)));
                assertEquals("ond\n", new String(c.readLine()));
                long xs = 0;
                for (byte[] b : c.iterChunked(4096)) {
                    assertTrue(b.length <= 4096);
                    xs += b.length;
                }
                assertEquals(100_000 + 1 + 4, xs);
                assertTrue(c.atEof());
                assertEquals(0, c.read(10).length);
                assertEquals(1, http.connector().idleConnections(), "at the end, the connection went back to the pool");

                ClientResponse partial = http.get(base + "/lines");
                partial.content().read(5);
                partial.close();
                assertEquals(0, http.connector().idleConnections(), "closed with its body half-read: not reusable");
                ClientResponse longLine = http.get(base + "/lines");
                longLine.content().readLine();
                longLine.content().readLine();
                Exception e = assertThrows(java.io.IOException.class, () -> longLine.content().readLine());
                assertTrue(e.getMessage().contains("longer than 65536"), e.getMessage());
                longLine.close();
            }
            return null;
        }));
    }

    /** 1 GiB through {@code content()}: the heap retained stays flat (measured after a full GC at each 256 MiB). */
    @Test
    void aGibibyteDownloadInBoundedMemory() {
        long total = 1L << 30;
        virtual(() -> {
            byte[] piece = new byte[1 << 16];
            try (Server s = raw((in, out) -> {
                readHead(in);
                out.write(("HTTP/1.1 200 OK\r\nContent-Length: " + total + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                for (long sent = 0; sent < total; sent += piece.length) {
                    out.write(piece);
                    out.drain();
                }
            }); ClientSession http = new ClientSession()) {
                var mem = ManagementFactory.getMemoryMXBean();
                System.gc();
                long base = mem.getHeapMemoryUsage().getUsed();
                long got = 0, next = 1L << 28, most = 0;
                List<Long> retained = new ArrayList<>();
                ClientResponse r = http.get("http://127.0.0.1:" + port(s) + "/");
                for (byte[] b : r.content().iterChunked(1 << 16)) {
                    got += b.length;
                    if (got >= next) {
                        next += 1L << 28;
                        System.gc();
                        long used = mem.getHeapMemoryUsage().getUsed() - base;
                        retained.add(used >> 10);
                        most = Math.max(most, used);
                    }
                }
                assertEquals(total, got);
                System.out.println("[ClientStreamingTest] 1 GiB download: heap retained after GC at each 256 MiB (KiB over the start): " + retained
                        + "; heap in use at the end " + (mem.getHeapMemoryUsage().getUsed() >> 20) + " MiB");
                assertTrue(most < 32L << 20, "the heap held stays bounded: " + retained + " KiB");
                assertEquals(1, http.connector().idleConnections());
            }
            return null;
        });
    }
}
