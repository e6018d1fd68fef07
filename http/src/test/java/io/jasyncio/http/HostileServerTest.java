package io.jasyncio.http;

import static io.jasyncio.http.ClientTesting.*;
import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.Asyncio;
import io.jasyncio.transport.Server;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Servers that attack the client: an endless body, a 1 MiB header line, a reset in the middle of the body, a
 * compression bomb. Each ends in an error naming the request and the limit, with memory bounded and no
 * connection kept. (A server that never answers or trickles: {@link ClientTimeoutTest}; a redirect loop:
 * {@link ClientRedirectTest}.)
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class HostileServerTest {
    private static void head(io.jasyncio.streams.StreamWriter out, String head) {
        out.write(head.getBytes(StandardCharsets.ISO_8859_1));
    }

    @Test
    void anEndlessBodyStopsAtMaxBody() {
        virtual(() -> {
            try (Server s = raw((in, out) -> {
                readHead(in);
                head(out, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
                byte[] chunk = ("10000\r\n" + "x".repeat(0x10000) + "\r\n").getBytes(StandardCharsets.US_ASCII);
                while (true) {
                    out.write(chunk);
                    out.drain();
                }
            }); Server eof = raw((in, out) -> {
                readHead(in);
                head(out, "HTTP/1.0 200 OK\r\n\r\n"); // no length: the body would end with the connection
                byte[] b = new byte[1 << 16];
                while (true) {
                    out.write(b);
                    out.drain();
                }
            }); ClientSession http = ClientSession.builder().maxBody(4 << 20).build()) {
                for (Server server : new Server[] {s, eof}) {
                    String url = "http://127.0.0.1:" + port(server) + "/";
                    IOException e = assertThrows(IOException.class, () -> http.get(url).read());
                    assertTrue(e.getMessage().contains("GET " + url) && e.getMessage().contains("larger than 4194304 bytes"), e.getMessage());
                    assertEquals(0, http.connector().openConnections(), "the connection is dropped");
                }
            }
            return null;
        });
    }

    @Test
    void endlessTrailerFieldsAreRefused() {
        virtual(() -> {
            try (Server s = raw((in, out) -> {
                readHead(in);
                head(out, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n");
                byte[] field = "X-Trailer: 0123456789abcdef\r\n".getBytes(StandardCharsets.US_ASCII);
                while (true) {
                    out.write(field);
                    out.drain();
                }
            }); ClientSession http = new ClientSession()) {
                IOException e = assertThrows(IOException.class, () -> http.get("http://127.0.0.1:" + port(s) + "/").read());
                assertTrue(e.getMessage().contains("trailer fields pass 65536 bytes"), e.getMessage());
            }
            return null;
        });
    }

    @Test
    void aHeaderLineOfOneMebibyteIsRefused() {
        virtual(() -> {
            try (Server s = raw((in, out) -> {
                readHead(in);
                head(out, "HTTP/1.1 200 OK\r\nX-Big: ");
                byte[] b = "a".repeat(1 << 16).getBytes(StandardCharsets.US_ASCII);
                for (int i = 0; i < 16; i++) {
                    out.write(b);
                    out.drain();
                }
                head(out, "\r\nContent-Length: 0\r\n\r\n");
                Asyncio.sleep(1e6);
            }); ClientSession http = new ClientSession()) {
                String url = "http://127.0.0.1:" + port(s) + "/";
                IOException e = assertThrows(IOException.class, () -> http.get(url));
                assertTrue(e.getMessage().contains("GET " + url) && e.getMessage().contains("head is larger than 65536 bytes"), e.getMessage());
                assertEquals(0, http.connector().openConnections());
            }
            return null;
        });
    }

    @Test
    void aResetInTheMiddleOfTheBodyIsAnError() {
        virtual(() -> {
            try (Server s = raw((in, out) -> {
                readHead(in);
                head(out, "HTTP/1.1 200 OK\r\nContent-Length: 1000000\r\n\r\n");
                out.write(new byte[100_000]);
                out.drain();
                Asyncio.sleep(0.1);
                out.transport().abort(); // an RST, mid-body
            }); ClientSession http = new ClientSession()) {
                String url = "http://127.0.0.1:" + port(s) + "/";
                ClientResponse r = http.get(url);
                IOException e = assertThrows(IOException.class, r::read);
                assertTrue(e.getMessage().contains("GET " + url), e.getMessage());
                assertEquals(0, http.connector().openConnections());
            }
            return null;
        });
    }

    @Test
    void aCompressionBombIsBoundedWhenReadAndInPiecesWhenStreamed() throws IOException {
        byte[] bomb = ClientPayloadTest.gzip(new byte[256 << 20]); // 256 MiB of zeros: about 256 KiB on the wire
        assertTrue(bomb.length < 1 << 20);
        virtual(() -> {
            try (Server s = raw((in, out) -> {
                for (String h; (h = readHead(in)) != null; ) {
                    head(out, "HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: " + bomb.length + "\r\n\r\n");
                    out.write(bomb);
                    out.drain();
                }
            }); ClientSession http = ClientSession.builder().maxBody(8 << 20).build()) {
                String url = "http://127.0.0.1:" + port(s) + "/";
                IOException e = assertThrows(IOException.class, () -> http.get(url).read());
                assertTrue(e.getMessage().contains("larger than 8388608 bytes"), e.getMessage());
                long n = 0;
                int biggest = 0;
                for (byte[] b : http.get(url).content().iterChunked(1 << 16)) {
                    n += b.length;
                    biggest = Math.max(biggest, b.length);
                }
                assertEquals(256L << 20, n, "streamed, the whole inflated body comes through");
                assertTrue(biggest <= 1 << 16, "a piece at a time: " + biggest);
            }
            return null;
        });
    }
}
