package io.jasyncio.http;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Redirects ({@link HttpRedirect}) and the {@link HttpError} family, thrown or returned by handlers. */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class HttpRedirectTest {
    @Test
    void eachRedirectHasItsStatusAndLocation() {
        assertEquals(302, HttpRedirect.found("/a").status());
        assertEquals(301, HttpRedirect.movedPermanently("/a").status());
        assertEquals(303, HttpRedirect.seeOther("/a").status());
        assertEquals(307, HttpRedirect.temporaryRedirect("/a").status());
        Response r = HttpRedirect.permanentRedirect("https://example.com/x?y=1").response();
        assertEquals(308, r.status());
        assertEquals("https://example.com/x?y=1", r.headers().get("Location"));
        assertEquals("308: Permanent Redirect", new String(r.body()));
        assertInstanceOf(HttpError.class, HttpRedirect.found("/"), "one concept: a redirect is an HttpError a middleware catches alike");
    }

    @Test
    void aLocationThatWouldSplitTheResponseIsRefused() {
        for (String bad : List.of("/a\r\nSet-Cookie: x=y", "/a\nb", "/a\0", "/caf\u0103", "")) {
            assertThrows(IllegalArgumentException.class, () -> HttpRedirect.found(bad), bad);
        }
        assertThrows(IllegalArgumentException.class, () -> HttpRedirect.found(null));
    }

    @Test
    void errorFactoriesNameAiohttpsClasses() {
        assertEquals(400, HttpError.badRequest("no").status());
        assertEquals("Bearer", HttpError.unauthorized("Bearer").response().headers().get("WWW-Authenticate"));
        assertEquals(403, HttpError.forbidden().status());
        assertEquals("404: Not Found", new String(HttpError.notFound().response().body()));
        HttpError e = HttpError.methodNotAllowed("PUT", List.of("POST", "GET"));
        assertEquals("GET, POST", e.response().headers().get("Allow"));
        assertEquals("5", HttpError.tooManyRequests(5).response().headers().get("Retry-After"));
        assertEquals(409, HttpError.conflict("x").status());
        assertEquals(410, HttpError.gone().status());
        assertEquals(422, HttpError.unprocessable("x").status());
        assertEquals(503, HttpError.serviceUnavailable().status());
        IllegalArgumentException x = assertThrows(IllegalArgumentException.class, () -> new HttpError(302));
        assertTrue(x.getMessage().contains("HttpRedirect"), x.getMessage());
    }

    @Test
    void handlersThrowOrReturnThemAndMiddlewaresSeeThem() throws Exception {
        Application app = new Application();
        app.router().addGet("/old", r -> { throw HttpRedirect.movedPermanently("/new"); });
        app.router().addPost("/form", r -> HttpRedirect.seeOther("/done?id=7").response());
        app.router().addGet("/teapot", r -> { throw new HttpError(418, "short and stout"); });
        app.router().addGet("/secret", r -> { throw HttpError.forbidden(); });
        app.middleware((r, next) -> {
            try {
                return next.handle(r);
            } catch (HttpRedirect e) {
                return e.response().header("X-Redirected-By", "middleware");
            }
        });
        try (Served s = Served.start(app); RawClient c = new RawClient(s.port)) {
            RawClient.Reply r = c.get("/old").read();
            assertEquals(301, r.status());
            assertEquals("/new", r.header("Location"));
            assertEquals("middleware", r.header("X-Redirected-By"));
            r = c.send("POST /form HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n").read();
            assertEquals(303, r.status());
            assertEquals("/done?id=7", r.header("Location"));
            r = c.get("/teapot").read();
            assertEquals(418, r.status());
            assertEquals("short and stout", r.text());
            assertEquals(403, c.get("/secret").read().status());
            r = c.send("HEAD /old HTTP/1.1\r\nHost: x\r\n\r\n").read(true);
            assertEquals(301, r.status());
            assertEquals(0, r.body().length);
        }
    }
}
