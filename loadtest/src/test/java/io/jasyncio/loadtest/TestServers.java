package io.jasyncio.loadtest;

import io.jasyncio.Coroutine;
import io.jasyncio.EventLoop;
import io.jasyncio.Runner;
import io.jasyncio.http.AppRunner;
import io.jasyncio.http.Application;
import io.jasyncio.http.Response;
import io.jasyncio.http.TcpSite;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.function.Consumer;

/** Helpers for the load tester's tests: loops, an HTTP server on jasyncio's http module, a closed port. */
public final class TestServers {
    private TestServers() {}

    /** Runs {@code main} on a virtual-clock loop: sleeps and timeouts cost no real time. */
    public static <T> T onVirtualClock(Coroutine<T> main) {
        try (Runner r = Runner.builder().loopFactory(EventLoop::withVirtualClock).build()) {
            return r.run(main);
        }
    }

    /** An HTTP server on 127.0.0.1, started on the running loop; close with {@link Http#close()}. */
    public static final class Http implements AutoCloseable {
        public final AppRunner runner;
        public final TcpSite site;

        public Http(Consumer<Application> routes) throws IOException {
            Application app = new Application();
            routes.accept(app);
            runner = new AppRunner(app).shutdownTimeout(0);
            runner.setup();
            site = new TcpSite(runner, "127.0.0.1", 0);
            site.start();
        }

        /** "Hello, World!" at {@code /}. */
        public static Http hello() throws IOException {
            return new Http(app -> app.router().addGet("/", req -> Response.text("Hello, World!")));
        }

        public String url(String path) {
            return "http://127.0.0.1:" + site.port() + path;
        }

        public int port() {
            return site.port();
        }

        @Override
        public void close() {
            runner.cleanup();
        }
    }

    /** A port nothing listens on (it was bound, then closed). */
    public static int closedPort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
