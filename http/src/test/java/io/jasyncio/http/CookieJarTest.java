package io.jasyncio.http;

import static io.jasyncio.http.ClientTesting.*;
import static org.junit.jupiter.api.Assertions.*;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link CookieJar}: the RFC 6265 rules a client needs, its bounds, and the session's use of it. */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class CookieJarTest {
    private final AtomicLong clock = new AtomicLong(1_000_000_000_000L);
    private final CookieJar jar = new CookieJar(false, clock::get);

    private void set(String url, String... headers) {
        jar.updateCookies(List.of(headers), URI.create(url));
    }

    private String sent(String url) {
        return jar.cookieHeader(URI.create(url));
    }

    @Test
    void hostOnlyAndDomainCookies() {
        set("http://www.example.com/", "host=1", "dom=2; Domain=example.com", "dot=3; Domain=.EXAMPLE.com");
        assertEquals("host=1; dom=2; dot=3", sent("http://www.example.com/"));
        assertEquals("dom=2; dot=3", sent("http://a.b.example.com/"), "a Domain cookie covers subdomains; a host-only one does not");
        assertEquals("dom=2; dot=3", sent("http://example.com/"));
        assertNull(sent("http://badexample.com/"), "domain matching is by labels, not by suffix");
        assertNull(sent("http://example.org/"));
    }

    @Test
    void aDomainOutsideTheHostOrATopLevelOneIsRefused() {
        set("http://www.example.com/", "evil=1; Domain=other.com", "tld=1; Domain=com", "sub=1; Domain=sub.www.example.com");
        assertTrue(jar.cookies().isEmpty(), jar.cookies().toString());
    }

    @Test
    void pathMatchingAndTheDefaultPath() {
        set("http://h.test/docs/page", "dflt=1", "root=2; Path=/", "deep=3; Path=/docs/api");
        assertEquals("deep=3; dflt=1; root=2", sent("http://h.test/docs/api/x"), "longer paths first");
        assertEquals("dflt=1; root=2", sent("http://h.test/docs"), "the default path is the request's directory");
        assertEquals("root=2", sent("http://h.test/docsx"), "/docs does not match /docsx");
        assertEquals("root=2", sent("http://h.test/"));
    }

    @Test
    void secureCookiesGoOnlyOverHttps() {
        set("https://h.test/", "s=1; Secure", "p=2");
        assertEquals("s=1; p=2", sent("https://h.test/"));
        assertEquals("p=2", sent("http://h.test/"));
    }

    @Test
    void expiryByMaxAgeAndExpires() {
        set("http://h.test/", "short=1; Max-Age=10", "dated=2; Expires=Wed, 21 Oct 2099 07:28:00 GMT",
                "both=3; Max-Age=5; Expires=Wed, 21 Oct 2099 07:28:00 GMT", "past=4; Expires=Thu, 01 Jan 1970 00:00:00 GMT");
        assertEquals(Map.of("short", "1", "dated", "2", "both", "3"), jar.valuesFor(URI.create("http://h.test/")));
        clock.addAndGet(6_000);
        assertEquals("short=1; dated=2", sent("http://h.test/"), "Max-Age wins over Expires");
        clock.addAndGet(5_000);
        assertEquals("dated=2", sent("http://h.test/"));
        set("http://h.test/", "dated=x; Max-Age=0");
        assertNull(sent("http://h.test/"), "Max-Age=0 deletes");
    }

    @Test
    void cookiesFromIpHostsOnlyInAnUnsafeJar() {
        set("http://127.0.0.1/", "a=1");
        assertNull(sent("http://127.0.0.1/"));
        CookieJar unsafe = new CookieJar(true);
        unsafe.updateCookies(List.of("a=1", "b=2; Domain=0.0.1"), URI.create("http://127.0.0.1/"));
        assertEquals("a=1", unsafe.cookieHeader(URI.create("http://127.0.0.1/x")), "no domain matching into an IP address");
    }

    @Test
    void boundedPerDomainInAllAndInSize() {
        for (int i = 0; i < CookieJar.MAX_PER_DOMAIN + 10; i++) set("http://one.test/", "c" + i + "=" + i);
        List<CookieJar.Cookie> kept = jar.cookies();
        assertEquals(CookieJar.MAX_PER_DOMAIN, kept.size());
        assertEquals("c10", kept.get(0).name(), "the oldest went first");
        for (int d = 0; d < CookieJar.MAX_TOTAL / CookieJar.MAX_PER_DOMAIN + 5; d++) {
            for (int i = 0; i < CookieJar.MAX_PER_DOMAIN; i++) set("http://d" + d + ".test/", "c" + i + "=" + i);
        }
        assertEquals(CookieJar.MAX_TOTAL, jar.cookies().size());
        set("http://one.test/", "big=" + "x".repeat(CookieJar.MAX_COOKIE_SIZE));
        assertTrue(jar.cookies().stream().noneMatch(c -> c.name().equals("big")), "a cookie over 4096 bytes is refused");
    }

    @Test
    void aSessionSendsItsCookiesBackAndADummyJarKeepsNone() {
        Application app = new Application();
        app.router().addGet("/set", r -> Response.text("ok").header("Set-Cookie", "sid=abc; Path=/; HttpOnly"));
        app.router().addGet("/show", r -> Response.text(String.valueOf(r.header("Cookie"))));
        virtual(() -> withApp(app, base -> {
            String local = base.replace("127.0.0.1", "localhost");
            try (ClientSession http = new ClientSession()) {
                http.get(local + "/set").read();
                assertEquals("sid=abc", http.get(local + "/show").text());
                http.get(base + "/set").read();
                assertEquals(1, http.cookieJar().cookies().size(), "not from an IP host unless the jar is unsafe");
            }
            try (ClientSession http = ClientSession.builder().cookieJar(new DummyCookieJar()).build()) {
                http.get(local + "/set").read();
                assertEquals("null", http.get(local + "/show").text());
            }
            return null;
        }));
    }
}
