package io.jasyncio.http;

import static io.jasyncio.http.ClientTesting.*;
import static org.junit.jupiter.api.Assertions.*;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Redirects as aiohttp follows them: method rules, the limit, history, credentials kept to their origin. */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ClientRedirectTest {
    /** /go?code=N&to=URL redirects; /echo tells what it got; /loop redirects to itself. */
    private static Application app() {
        Application app = new Application();
        app.router().addRoute("*", "/go", r -> new Response(Integer.parseInt(r.queryParam("code"))).header("Location", r.queryParam("to")));
        app.router().addRoute("*", "/loop", r -> new Response(302).header("Location", "/loop"));
        app.router().addRoute("*", "/echo", r -> Response.text(r.method() + " " + new String(r.body(), StandardCharsets.UTF_8)
                + " auth=" + r.header("Authorization") + " cookie=" + r.header("Cookie") + " type=" + r.header("Content-Type")));
        app.router().addGet("/login", r -> Response.text("in").header("Set-Cookie", "sid=42; Path=/"));
        return app;
    }

    private static String body(ClientResponse r) throws java.io.IOException {
        return r.text();
    }

    @Test
    void followsEachRedirectCodeWithAiohttpsMethodRules() {
        virtual(() -> withApp(app(), base -> {
            try (ClientSession http = new ClientSession()) {
                RequestOptions post = RequestOptions.of().data("data".getBytes(), "text/plain");
                // code -> (method after, body kept)
                assertEquals("GET  auth=null cookie=null type=null", body(http.post(base + "/go?code=303&to=/echo", post)));
                assertEquals("GET  auth=null cookie=null type=null", body(http.post(base + "/go?code=302&to=/echo", post)));
                assertEquals("GET  auth=null cookie=null type=null", body(http.post(base + "/go?code=301&to=/echo", post)));
                assertEquals("POST data auth=null cookie=null type=text/plain", body(http.post(base + "/go?code=307&to=/echo", post)));
                assertEquals("POST data auth=null cookie=null type=text/plain", body(http.post(base + "/go?code=308&to=/echo", post)));
                assertEquals("PUT data auth=null cookie=null type=text/plain", body(http.put(base + "/go?code=302&to=/echo", post)),
                        "302 turns only POST into GET");
                ClientResponse r = http.get(base + "/go?code=301&to=" + java.net.URLEncoder.encode(base + "/go?code=302&to=/echo", StandardCharsets.UTF_8));
                assertEquals(200, r.status());
                assertEquals(URI.create(base + "/echo"), r.url());
                assertEquals(List.of(301, 302), r.history().stream().map(ClientResponse::status).toList());
                assertEquals("GET", body(r).substring(0, 3));
                ClientResponse early = http.get(base + "/echo");
                early.close();
                java.io.IOException gone = assertThrows(java.io.IOException.class, early::read,
                        "its connection was closed or went back to the pool: the body is not read off another request's");
                assertTrue(gone.getMessage().contains("closed before its body was read"), gone.getMessage());
                ClientResponse not = http.get(base + "/go?code=302&to=/echo", RequestOptions.of().allowRedirects(false));
                assertEquals(302, not.status());
                assertEquals("/echo", not.header("Location"));
                not.close();
                assertEquals(1, http.connector().openConnections(), "redirects' small bodies are read and their connection reused");
            }
            return null;
        }));
    }

    @Test
    void aRedirectLoopEndsInTooManyRedirects() {
        virtual(() -> withApp(app(), base -> {
            try (ClientSession http = new ClientSession()) {
                TooManyRedirects e = assertThrows(TooManyRedirects.class, () -> http.get(base + "/loop"));
                assertEquals(11, e.history().size(), "10 followed, the 11th refused");
                assertTrue(e.getMessage().contains("more than 10 redirects"), e.getMessage());
                TooManyRedirects two = assertThrows(TooManyRedirects.class, () -> http.get(base + "/loop", RequestOptions.of().maxRedirects(2)));
                assertEquals(3, two.history().size());
            }
            return null;
        }));
    }

    @Test
    void credentialsAndCookiesStayWithTheirOrigin() {
        virtual(() -> withApp(app(), base -> {
            int port = URI.create(base).getPort();
            String other = "http://localhost:" + port; // another host name for the same server: another origin
            try (ClientSession http = ClientSession.builder().cookieJar(new CookieJar(true)).build()) {
                assertEquals("in", http.get(base + "/login").text());
                RequestOptions auth = RequestOptions.of().auth(new BasicAuth("u", "p")).header("Cookie", "given=1");
                assertEquals("GET  auth=Basic dTpw cookie=given=1; sid=42 type=null", body(http.get(base + "/go?code=302&to=/echo", auth)),
                        "same origin: credentials and cookies sent");
                assertEquals("GET  auth=null cookie=null type=null",
                        body(http.get(base + "/go?code=302&to=" + other + "/echo", auth)), "another host: neither");
            }
            return null;
        }));
    }

    @Test
    void aStreamedBodyIsNotReplayedTo307() {
        virtual(() -> withApp(app(), base -> {
            try (ClientSession http = new ClientSession()) {
                RequestOptions o = RequestOptions.of().body(RequestBody.stream(io.jasyncio.http.ByteSource.of("abc".getBytes()), "text/plain"));
                java.io.IOException e = assertThrows(java.io.IOException.class, () -> http.post(base + "/go?code=307&to=/echo", o));
                assertTrue(e.getMessage().contains("cannot be sent again"), e.getMessage());
            }
            return null;
        }));
    }
}
