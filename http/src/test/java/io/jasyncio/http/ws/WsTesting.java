package io.jasyncio.http.ws;

import io.jasyncio.http.Application;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The WebSocket tests' echo application (served with {@link io.jasyncio.http.ServerTesting} or
 * {@link io.jasyncio.http.Served}, as every HTTP test's).
 */
final class WsTesting {
    private WsTesting() {}

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
