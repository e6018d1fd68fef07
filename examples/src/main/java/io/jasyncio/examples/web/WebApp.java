package io.jasyncio.examples.web;

import io.jasyncio.Asyncio;
import io.jasyncio.http.AppRunner;
import io.jasyncio.http.Application;
import io.jasyncio.http.ClientSession;
import io.jasyncio.http.Cookie;
import io.jasyncio.http.HttpError;
import io.jasyncio.http.HttpRedirect;
import io.jasyncio.http.Request;
import io.jasyncio.http.Response;
import io.jasyncio.http.Web;
import io.jasyncio.http.TcpSite;
import io.jasyncio.http.ws.ClientWebSocketResponse;
import io.jasyncio.http.ws.WSMessage;
import io.jasyncio.http.ws.WebSocketOptions;
import io.jasyncio.http.ws.WebSocketResponse;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Seed 004's web server, for real: an aiohttp-style application ({@code Application}, {@code router.addGet},
 * {@code AppRunner}, {@code TcpSite}) served by jasyncio, and the seed's "five concurrent requests in about a
 * tenth of a second" measured over HTTP with the JDK's own client.
 *
 * <p>Routes: {@code GET /} → "Hello, World!"; {@code GET /hello/{name}}; {@code GET /sleep?s=0.1} (answers after
 * that many seconds, at most 10, without holding up other requests); {@code POST /echo} (the body back);
 * {@code GET /login?user=ann} (sets a cookie and redirects, 303, to the URL of the route named "hello", built
 * by the router); {@code GET /me} (reads the cookie back); {@code GET /logout} (deletes it);
 * {@code GET /squares/{n:\d{1,4}}} (a regex variable; the first squares, at most 100, in JSON).
 * {@code POST /count} (counts a streamed upload of any size, in bounded memory); {@code GET /static/...} with a
 * static directory; {@code GET /ws}, a WebSocket echo (text and binary messages back, compressed when the client offers it).
 *
 * <p>Threading: {@link #app()} may be built anywhere; {@link #demo} runs in a task on a loop.
 */
public final class WebApp {
    private WebApp() {}

    /** The application. */
    public static Application app() {
        return app(null);
    }

    /**
     * The application, serving the files under {@code staticDir} at {@code /static/} when it is not null
     * (zero-copy, ranges, conditionals; nothing outside the directory).
     */
    public static Application app(java.nio.file.Path staticDir) {
        Application app = new Application();
        if (staticDir != null) app.router().addStatic("/static", staticDir);
        app.router().addGet("/", r -> Response.text("Hello, World!"));
        app.router().addGet("/hello/{name}", r -> Response.text("Hello, " + r.pathParam("name") + "!"), "hello");
        app.router().addGet("/login", r -> {
            String user = r.queryParam("user");
            if (user == null || !user.matches("[A-Za-z0-9_-]{1,32}")) {
                throw HttpError.badRequest("user must be 1 to 32 letters, digits, _ or -, got " + user);
            }
            String home = app.router().named("hello").urlFor(Map.of("name", user));
            return HttpRedirect.seeOther(home).response()
                    .setCookie(Cookie.of("user", user).httpOnly().sameSite("Lax").maxAge(3600));
        });
        app.router().addGet("/me", r -> {
            String user = r.cookies().get("user");
            if (user == null) throw HttpError.unauthorized("Cookie realm=\"/login?user=NAME\"");
            return Response.text("You are " + user + " (from your cookie)");
        });
        app.router().addGet("/logout", r -> Response.text("Bye").delCookie("user"));
        app.router().addGet("/squares/{n:\\d{1,4}}", r -> {
            int n = Integer.parseInt(r.pathParam("n"));
            List<Integer> squares = new ArrayList<>();
            for (int i = 1; i <= Math.min(n, 100); i++) squares.add(i * i);
            return Web.jsonResponse(new Squares(n, squares)); // a record is a JSON object, in component order
        });
        app.router().addGet("/sleep", r -> {
            double s = seconds(r.queryParam("s"));
            Asyncio.sleep(s);
            return Response.text("slept " + s + " s");
        });
        app.router().addPost("/echo", r -> new Response(200, r.body(),
                r.header("Content-Type") == null ? "application/octet-stream" : r.header("Content-Type")));
        app.router().addPost("/count", r -> {
            long n = 0;
            for (byte[] b; (b = r.content().readAny()).length > 0; ) n += b.length;
            return Response.text("received " + n + " bytes");
        });
        app.router().addGet("/ws", WebApp::wsEcho);
        return app;
    }

    /** What {@code /squares/{n}} answers. */
    public record Squares(int n, List<Integer> squares) {}

    /** A WebSocket echo (aiohttp's {@code WebSocketResponse}): every message back, until the client closes. */
    static Response wsEcho(Request r) throws IOException {
        WebSocketResponse ws = new WebSocketResponse().prepare(r);
        for (WSMessage m : ws) {
            switch (m.type()) {
                case TEXT -> ws.sendStr(m.text());
                case BINARY -> ws.sendBytes(m.bytes());
                default -> {} // an ERROR: the next receive ends the loop
            }
        }
        return ws.response();
    }

    /**
     * Serves the application on a free loopback port and has a short WebSocket exchange with {@code /ws}
     * ({@code ClientSession.wsConnect}, compression offered): returns the echoes, in order.
     */
    public static List<String> wsDemo(PrintStream out) throws IOException {
        try (AppRunner runner = new AppRunner(app()); ClientSession session = new ClientSession()) {
            runner.setup();
            TcpSite site = new TcpSite(runner, "127.0.0.1", 0);
            site.start();
            String url = site.name().replace("http://", "ws://") + "/ws";
            ClientWebSocketResponse ws = session.wsConnect(url, new WebSocketOptions().compress(true));
            out.println("WebSocket " + url + (ws.compressed() ? ", permessage-deflate agreed" : ""));
            List<String> echoes = new ArrayList<>();
            for (String text : List.of("hello", "κόσμε", "ping ".repeat(8).trim())) {
                ws.sendStr(text);
                String back = ws.receiveStr();
                echoes.add(back);
                out.println("  sent \"" + text + "\" -> echoed \"" + back + "\"");
            }
            ws.sendBytes(new byte[] {1, 2, 3});
            echoes.add(java.util.Arrays.toString(ws.receiveBytes()));
            out.println("  sent 3 bytes -> echoed " + echoes.getLast());
            ws.close();
            out.println("  closed with code " + ws.closeCode());
            return echoes;
        }
    }

    private static double seconds(String s) {
        if (s == null) return 0.1;
        try {
            double v = Double.parseDouble(s);
            if (v >= 0 && v <= 10) return v;
        } catch (NumberFormatException e) {
            // answered below
        }
        throw new HttpError(400, "s must be a number of seconds from 0 to 10, got " + s);
    }

    /** What {@link #demo} measured. */
    public record Result(List<String> bodies, double seconds) {}

    /**
     * Serves the application on a free loopback port, sends {@code n} requests to {@code /sleep?s=delay} at
     * once with the JDK's HTTP client, and reports how long they took together (≈ delay, not n × delay).
     */
    public static Result demo(PrintStream out, int n, double delay) throws IOException {
        // The runner closes first (resources close in reverse order): the client's close() waits for the requests
        // under way, which only this loop can answer, and a blocking close() may hold the loop (a task cancelled
        // mid-way, e.g. by Ctrl-C, hung there on the portable engine). The client is built on a worker thread: it
        // loads the JDK's trust store, which blocks for 0.1-1 s and would hold the loop (the watchdog says so).
        try (HttpClient client = Asyncio.toThread(HttpClient::newHttpClient); AppRunner runner = new AppRunner(app())) {
            runner.setup();
            TcpSite site = new TcpSite(runner, "127.0.0.1", 0);
            site.start();
            out.println("serving on " + site.name());
            double t0 = System.nanoTime() / 1e9;
            List<CompletableFuture<HttpResponse<String>>> sent = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                URI uri = URI.create(site.name() + "/sleep?s=" + delay);
                sent.add(client.sendAsync(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString()));
            }
            List<String> bodies = new ArrayList<>();
            for (CompletableFuture<HttpResponse<String>> f : sent) {
                HttpResponse<String> r = Asyncio.await(f); // the loop keeps serving while this task waits
                if (r.statusCode() != 200) throw new IllegalStateException("GET " + r.uri() + " answered " + r.statusCode());
                bodies.add(r.body());
            }
            double elapsed = System.nanoTime() / 1e9 - t0;
            out.printf("%d concurrent HTTP requests of %.1f s each answered in %.2f s%n", n, delay, elapsed);
            return new Result(bodies, elapsed);
        }
    }
}
