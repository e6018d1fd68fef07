package io.jasyncio.http;

import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.Asyncio;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link ClientSession} against aiohttp's own server (Debian's python3-aiohttp): aiohttp parses our multipart
 * forms and chunked uploads, compresses with its own gzip and deflate, sets cookies and redirects.
 */
@Timeout(value = 90, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ClientAiohttpInteropTest {
    private static final String SERVER = """
            import sys
            from aiohttp import web

            async def form(request):
                data = await request.post()
                out = []
                for k, v in data.items():
                    if isinstance(v, web.FileField):
                        out.append(f"{k}: file {v.filename} {v.content_type} {len(v.file.read())}")
                    else:
                        out.append(f"{k}={v}")
                return web.Response(text="; ".join(out))

            async def upload(request):
                n = 0
                async for chunk in request.content.iter_any():
                    n += len(chunk)
                return web.Response(text=f"{n} {request.headers.get('Transfer-Encoding')}")

            async def compressed(request):
                r = web.Response(text="aiohttp " * 5000)
                r.enable_compression(web.ContentCoding[request.match_info['coding']])
                return r

            async def set_cookie(request):
                r = web.Response(text="set")
                r.set_cookie("session", "xyz", path="/", max_age=60)
                return r

            async def show(request):
                return web.Response(text=f"cookie {request.cookies.get('session')} query {request.query.get('q')}")

            async def redirect(request):
                raise web.HTTPFound("/show?q=" + request.query.get("q", ""))

            app = web.Application()
            app.router.add_post("/form", form)
            app.router.add_post("/upload", upload)
            app.router.add_get("/compressed/{coding}", compressed)
            app.router.add_get("/set", set_cookie)
            app.router.add_get("/show", show)
            app.router.add_get("/redirect", redirect)
            web.run_app(app, host="127.0.0.1", port=int(sys.argv[1]), print=lambda *a: print("ready", flush=True))
            """;

    @Test
    void talksToAiohttpsServer(@TempDir Path dir) throws Exception {
        Path py = Path.of("/usr/bin/python3");
        Assumptions.assumeTrue(Files.isExecutable(py), "Debian's python3 is needed");
        Process check = new ProcessBuilder(py.toString(), "-c", "import aiohttp").start();
        Assumptions.assumeTrue(check.waitFor(30, TimeUnit.SECONDS) && check.exitValue() == 0, "python3-aiohttp is needed");
        Path script = dir.resolve("server.py");
        Files.writeString(script, SERVER);
        int port;
        try (java.net.ServerSocket ss = new java.net.ServerSocket(0)) {
            port = ss.getLocalPort();
        }
        Process server = new ProcessBuilder(py.toString(), script.toString(), String.valueOf(port)).redirectErrorStream(true).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(server.getInputStream()));
            String line = out.readLine();
            assertEquals("ready", line, "aiohttp's server did not start");
            Thread.ofPlatform().daemon().start(() -> out.lines().forEach(l -> {})); // keep its output drained
            Path file = dir.resolve("data.bin");
            Files.write(file, new byte[123_456]);
            String base = "http://localhost:" + port;
            Asyncio.run(() -> {
                try (ClientSession http = new ClientSession()) {
                    FormData form = new FormData().add("title", "Zoë & co").addFile("upload", file, "application/x-test");
                    assertEquals("title=Zoë & co; upload: file data.bin application/x-test 123456",
                            http.post(base + "/form", RequestOptions.of().form(form)).text());
                    assertEquals("title=a b", http.post(base + "/form", RequestOptions.of().form(new FormData().add("title", "a b"))).text());
                    byte[] piece = new byte[100_000];
                    int[] left = {50};
                    ByteSource source = () -> left[0]-- > 0 ? piece : null;
                    assertEquals("5000000 chunked", http.post(base + "/upload",
                            RequestOptions.of().body(RequestBody.stream(source, "application/octet-stream"))).text());
                    for (String coding : new String[] {"gzip", "deflate"}) {
                        ClientResponse r = http.get(base + "/compressed/" + coding);
                        assertEquals(coding, r.header("Content-Encoding"));
                        assertEquals("aiohttp ".repeat(5000), r.text());
                    }
                    http.get(base + "/set").read();
                    ClientResponse r = http.get(base + "/redirect", RequestOptions.of().param("q", "x y"));
                    assertEquals("cookie xyz query x y", r.text());
                    assertEquals(302, r.history().get(0).status());
                }
                return null;
            });
        } finally {
            server.destroy();
            if (!server.waitFor(10, TimeUnit.SECONDS)) server.destroyForcibly();
        }
    }
}
