package io.jasyncio.http;

import static io.jasyncio.http.ClientTesting.*;
import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a request carries and a response is turned into: multipart and URL-encoded forms, query parameters,
 * default headers, a base URL, raiseForStatus, gzip/deflate decompression.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ClientPayloadTest {
    static final byte[] TEXT = "the quick brown fox jumps over the lazy dog; ".repeat(200).getBytes(StandardCharsets.US_ASCII);

    static byte[] gzip(byte[] b) throws java.io.IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(out)) {
            z.write(b);
        }
        return out.toByteArray();
    }

    static byte[] deflate(byte[] b, boolean raw) throws java.io.IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (DeflaterOutputStream z = new DeflaterOutputStream(out, new Deflater(6, raw))) {
            z.write(b);
        }
        return out.toByteArray();
    }

    private static Application app() throws java.io.IOException {
        byte[] gz = gzip(TEXT), zl = deflate(TEXT, false), raw = deflate(TEXT, true);
        Application app = new Application();
        app.router().addRoute("*", "/echo", r -> new Response(200, r.body(), "application/octet-stream")
                .header("X-Type", String.valueOf(r.header("Content-Type")))
                .header("X-Length", String.valueOf(r.header("Content-Length")))
                .header("X-Chunked", String.valueOf(r.header("Transfer-Encoding")))
                .header("X-Query", String.valueOf(r.rawQuery()))
                .header("X-App", String.valueOf(r.headers().getAll("X-App")))
                .header("X-Accept-Encoding", String.valueOf(r.header("Accept-Encoding"))));
        app.router().addGet("/api/items", r -> Response.text("items"));
        app.router().addGet("/gzip", r -> new Response(200, gz, "text/plain").header("Content-Encoding", "gzip"));
        app.router().addGet("/deflate", r -> new Response(200, zl, "text/plain").header("Content-Encoding", "deflate"));
        app.router().addGet("/rawdeflate", r -> new Response(200, raw, "text/plain").header("Content-Encoding", "deflate"));
        return app;
    }

    @Test
    void multipartFormsWithFieldsAndFiles(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("notes.txt");
        Files.writeString(file, "file on disk\n");
        virtual(() -> withApp(app(), base -> {
            try (ClientSession http = new ClientSession()) {
                FormData form = new FormData().add("name", "Zoë").addFile("doc", file, "text/plain")
                        .addFile("blob", "b.bin", new byte[] {0, 1, 2}, null);
                ClientResponse r = http.post(base + "/echo", RequestOptions.of().form(form));
                String type = r.header("X-Type");
                assertTrue(type.startsWith("multipart/form-data; boundary="), type);
                String boundary = type.substring(type.indexOf('=') + 1);
                String body = new String(r.read(), StandardCharsets.UTF_8);
                assertEquals("--" + boundary + "\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\nZoë\r\n"
                        + "--" + boundary + "\r\nContent-Disposition: form-data; name=\"doc\"; filename=\"notes.txt\"\r\nContent-Type: text/plain\r\n\r\nfile on disk\n\r\n"
                        + "--" + boundary + "\r\nContent-Disposition: form-data; name=\"blob\"; filename=\"b.bin\"\r\nContent-Type: application/octet-stream\r\n\r\n\0\1\2\r\n"
                        + "--" + boundary + "--\r\n", body);
                assertEquals(String.valueOf(r.read().length), r.header("X-Length"), "every part's size known: a Content-Length");

                FormData streamed = new FormData().add("a", "1").addFile("s", "s.txt", ByteSource.of("piece".getBytes()), "text/plain");
                ClientResponse c = http.post(base + "/echo", RequestOptions.of().form(streamed));
                assertEquals("chunked", c.header("X-Chunked"), "a streamed part: sent chunked");
                assertTrue(c.text().contains("filename=\"s.txt\"\r\nContent-Type: text/plain\r\n\r\npiece\r\n"));
            }
            return null;
        }));
    }

    @Test
    void urlEncodedFormsAndQueryParameters() {
        virtual(() -> withApp(app(), base -> {
            try (ClientSession http = new ClientSession()) {
                ClientResponse f = http.post(base + "/echo", RequestOptions.of().form(new FormData().add("a", "1").add("b", "x y&z=é")));
                assertEquals("application/x-www-form-urlencoded", f.header("X-Type"));
                assertEquals("a=1&b=x+y%26z%3D%C3%A9", f.text());
                ClientResponse q = http.get(base + "/echo?x=1", RequestOptions.of().param("k", "a b&c").param("k", "2").param("u", "é/?#"));
                assertEquals("x=1&k=a%20b%26c&k=2&u=%C3%A9%2F%3F%23", q.header("X-Query"));
                q.read();
            }
            return null;
        }));
    }

    @Test
    void defaultHeadersBaseUrlAndRaiseForStatus() {
        virtual(() -> withApp(app(), base -> {
            try (ClientSession http = ClientSession.builder().baseUrl(base + "/api/").header("X-App", "session").raiseForStatus(true).build()) {
                assertEquals("items", http.get("items").text(), "relative to the base URL");
                ClientResponse own = http.get(base + "/echo", RequestOptions.of().header("X-App", "request"));
                assertEquals("[request]", own.header("X-App"), "a request's header replaces the session's");
                own.read();
                ClientResponse dflt = http.get("/echo");
                assertEquals("[session]", dflt.header("X-App"));
                dflt.read();
                ClientResponseError e = assertThrows(ClientResponseError.class, () -> http.get("missing"));
                assertEquals(404, e.status());
                assertTrue(e.getMessage().contains(base + "/api/missing"), e.getMessage());
                ClientResponse quiet = http.get("missing", RequestOptions.of().raiseForStatus(false));
                assertEquals(404, quiet.status(), "the request's own setting wins");
                quiet.close();
                assertThrows(InvalidUrlError.class, () -> ClientSession.builder().baseUrl("ftp://x/"));
            }
            return null;
        }));
    }

    @Test
    void gzipAndDeflateBodiesAreDecompressed() {
        virtual(() -> withApp(app(), base -> {
            try (ClientSession http = new ClientSession()) {
                assertEquals("gzip, deflate", http.get(base + "/echo").header("X-Accept-Encoding"));
                for (String path : new String[] {"/gzip", "/deflate", "/rawdeflate"}) {
                    assertArrayEquals(TEXT, http.get(base + path).read(), path);
                }
                ClientResponse streamed = http.get(base + "/gzip");
                long n = 0;
                for (byte[] b : streamed.content().iterChunked(1000)) n += b.length;
                assertEquals(TEXT.length, n);
                assertEquals(1, http.connector().idleConnections(), "the compressed body read to its end: reusable");
            }
            try (ClientSession http = ClientSession.builder().autoDecompress(false).build()) {
                assertArrayEquals(gzip(TEXT), http.get(base + "/gzip").read(), "autoDecompress off: the bytes as sent");
                assertEquals("null", http.get(base + "/echo").header("X-Accept-Encoding"));
            }
            return null;
        }));
    }
}
