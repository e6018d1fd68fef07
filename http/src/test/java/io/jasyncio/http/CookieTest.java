package io.jasyncio.http;

import static org.junit.jupiter.api.Assertions.*;

import java.net.CookieManager;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Cookies: {@link Request#cookies()}, {@link Response#setCookie}, {@link Response#delCookie}, {@link Cookie}. */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class CookieTest {
    @Test
    void readsCookiesLeniently() {
        Map<String, String> c = Cookies.parse(List.of("a=1; b=\"two\";c=; =x; novalue; d e=5; f=x=y", "a=again; g=7"));
        assertEquals(Map.of("a", "1", "b", "two", "c", "", "f", "x=y", "g", "7"), c);
        assertEquals(List.of("a", "b", "c", "f", "g"), List.copyOf(c.keySet()), "in the order sent; the first a wins");
        assertEquals(Map.of(), Cookies.parse(List.of("", ";;;", "   ")));
    }

    @Test
    void aFloodOfCookiesIsCutAtTheBound() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 5000; i++) sb.append("c").append(i).append("=v; ");
        Map<String, String> c = Cookies.parse(List.of(sb.toString()));
        assertEquals(Cookies.MAX_COOKIES, c.size());
        assertEquals("v", c.get("c0"));
        assertNull(c.get("c" + Cookies.MAX_COOKIES));
    }

    @Test
    void setCookieWritesEveryAttribute() {
        Response r = Response.text("x").setCookie(Cookie.of("sid", "abc123").maxAge(3600).domain("example.com")
                .path("/app").secure().httpOnly().sameSite("lax").expires(Instant.parse("2030-01-02T03:04:05Z")));
        assertEquals("sid=abc123; Domain=example.com; Expires=Wed, 02 Jan 2030 03:04:05 GMT; HttpOnly; Max-Age=3600;"
                + " Path=/app; SameSite=Lax; Secure", r.headers().get("Set-Cookie"));
        r.setCookie("theme", "dark");
        r.setCookie("sid", "new");
        assertEquals(List.of("theme=dark; Path=/", "sid=new; Path=/"), r.headers().getAll("Set-Cookie"),
                "setting a cookie again replaces it (aiohttp's SimpleCookie)");
        r.delCookie("theme");
        assertEquals("theme=; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/", r.headers().getAll("Set-Cookie").get(1));
    }

    @Test
    void badNamesValuesAndAttributesAreRefusedByName() {
        // Each of these would let a value end the field early, add an attribute, or be dropped by browsers.
        assertMessage("invalid cookie name", () -> Cookie.of("a b", "v"));
        assertMessage("invalid cookie name", () -> Cookie.of("a=b", "v"));
        assertMessage("needs a name", () -> Cookie.of("", "v"));
        assertMessage("invalid value for cookie sid", () -> Cookie.of("sid", "x; Domain=evil.com"));
        assertMessage("invalid value for cookie sid", () -> Cookie.of("sid", "a\r\nSet-Cookie: x=y"));
        assertMessage("invalid value for cookie sid", () -> Cookie.of("sid", "caf\u00e9"));
        assertMessage("invalid value for cookie sid", () -> Cookie.of("sid", "a b"));
        assertMessage("invalid Domain for cookie sid", () -> Cookie.of("sid", "v").domain("evil.com; Secure"));
        assertMessage("invalid Path for cookie sid", () -> Cookie.of("sid", "v").path("/a;HttpOnly"));
        assertMessage("invalid Path for cookie sid", () -> Cookie.of("sid", "v").path("/a\n"));
        assertMessage("SameSite of cookie sid must be", () -> Cookie.of("sid", "v").sameSite("sometimes"));
        assertMessage("without Secure", () -> Response.text("x").setCookie(Cookie.of("sid", "v").sameSite("None")));
        assertMessage("more than the 4096", () -> Cookie.of("big", "x".repeat(5000)));
        assertEquals("q=\"quoted\"; Path=/", Cookie.of("q", "\"quoted\"").headerValue(), "a DQUOTEd value is a cookie-value too");
    }

    private static void assertMessage(String part, org.junit.jupiter.api.function.Executable e) {
        IllegalArgumentException x = assertThrows(IllegalArgumentException.class, e);
        assertTrue(x.getMessage().contains(part), x.getMessage());
    }

    @Test
    void aBrowserLikeClientKeepsAndSendsThem() throws Exception {
        Application app = new Application();
        app.router().addGet("/login", r -> Response.text("in").setCookie(Cookie.of("sid", "s3cr3t").httpOnly()));
        app.router().addGet("/me", r -> Response.text("sid=" + r.cookies().get("sid") + " all=" + r.cookies()));
        app.router().addGet("/logout", r -> Response.text("out").delCookie("sid"));
        try (Served s = Served.start(app);
             HttpClient c = HttpClient.newBuilder().cookieHandler(new CookieManager()).build()) {
            String base = "http://127.0.0.1:" + s.port;
            HttpResponse<String> login = c.send(HttpRequest.newBuilder(URI.create(base + "/login")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals("sid=s3cr3t; HttpOnly; Path=/", login.headers().firstValue("set-cookie").orElseThrow());
            assertEquals("sid=s3cr3t all={sid=s3cr3t}",
                    c.send(HttpRequest.newBuilder(URI.create(base + "/me")).build(), HttpResponse.BodyHandlers.ofString()).body());
            c.send(HttpRequest.newBuilder(URI.create(base + "/logout")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals("sid=null all={}",
                    c.send(HttpRequest.newBuilder(URI.create(base + "/me")).build(), HttpResponse.BodyHandlers.ofString()).body());
        }
    }

    @Test
    void aHostileCookieHeaderIsReadWithinBounds() throws Exception {
        Application app = new Application();
        app.router().addGet("/n", r -> Response.text(r.cookies().size() + " " + r.cookies().get("ok")));
        try (Served s = Served.start(app); RawClient c = new RawClient(s.port)) {
            StringBuilder junk = new StringBuilder("ok=1");
            for (int i = 0; junk.length() < 8000; i++) junk.append(i % 3 == 0 ? ";;=;" : "; k" + i + "=\"\u00ff");
            RawClient.Reply r = c.send("GET /n HTTP/1.1\r\nHost: x\r\nCookie: " + junk + "\r\n\r\n").read();
            assertEquals(200, r.status(), r.text());
            assertTrue(r.text().endsWith(" 1"), r.text());
            StringBuilder many = new StringBuilder("ok=1");
            for (int i = 0; many.length() < 8000; i++) many.append(";c").append(i).append('=');
            r = c.send("GET /n HTTP/1.1\r\nHost: x\r\nCookie: " + many + "\r\n\r\n").read();
            assertEquals(200, r.status());
            assertEquals(Cookies.MAX_COOKIES + " 1", r.text());
        }
    }
}
