package io.jasyncio.http.ws;

import io.jasyncio.EventLoop;
import io.jasyncio.Runner;
import io.jasyncio.http.AppRunner;
import io.jasyncio.http.Application;
import io.jasyncio.http.TcpSite;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Servers for the WebSocket tests: an echo application, served on a loop the test's peer shares. */
final class WsTesting {
    private WsTesting() {}

    @FunctionalInterface
    interface Body<T> {
        T run(int port) throws Exception;
    }

    /** Serves {@code app} on 127.0.0.1 on a virtual-clock loop and runs {@code body} on that loop. */
    static <T> T serve(Application app, Body<T> body) {
        try (Runner r = Runner.builder().loopFactory(EventLoop::withVirtualClock).build()) {
            return r.run(() -> {
                try (AppRunner runner = new AppRunner(app)) {
                    runner.setup();
                    TcpSite site = new TcpSite(runner, "127.0.0.1", 0);
                    site.start();
                    return body.run(site.port());
                }
            });
        }
    }

    /** The WebSockets an echo application made, to look at once their handlers are done. */
    static final class Echo {
        final Application app = new Application();
        final List<WebSocketResponse> sockets = new CopyOnWriteArrayList<>();

        Echo() {
            this(new WebSocketOptions());
        }

        /** Echoes TEXT and BINARY messages on {@code /ws}; answers PING with PONG when auto-ping is off. */
        Echo(WebSocketOptions options) {
            app.router().addGet("/ws", r -> {
                WebSocketResponse ws = new WebSocketResponse(options);
                sockets.add(ws);
                ws.prepare(r);
                for (WSMessage m : ws) {
                    switch (m.type()) {
                        case TEXT -> ws.sendStr(m.text());
                        case BINARY -> ws.sendBytes(m.bytes());
                        case PING -> ws.pong(m.bytes());
                        default -> {}
                    }
                }
                return ws.response();
            });
        }

        WebSocketResponse last() {
            return sockets.get(sockets.size() - 1);
        }
    }
}
