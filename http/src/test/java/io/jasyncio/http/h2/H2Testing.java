package io.jasyncio.http.h2;

import io.jasyncio.EventLoop;
import io.jasyncio.Runner;
import io.jasyncio.http.AppRunner;
import io.jasyncio.http.Application;
import io.jasyncio.http.TcpSite;
import java.util.function.Consumer;

/** Serves an application for the HTTP/2 tests on a virtual-clock loop the test's peer shares. */
final class H2Testing {
    private H2Testing() {}

    @FunctionalInterface
    interface Body<T> {
        T run(int port, AppRunner runner) throws Exception;
    }

    static <T> T serve(Application app, Body<T> body) {
        return serve(app, r -> {}, body);
    }

    /** Serves {@code app} on 127.0.0.1 (cleartext: h2c with prior knowledge) and runs {@code body} on the same loop. */
    static <T> T serve(Application app, Consumer<AppRunner> configure, Body<T> body) {
        try (Runner r = Runner.builder().loopFactory(EventLoop::withVirtualClock).build()) {
            return r.run(() -> {
                try (AppRunner runner = new AppRunner(app)) {
                    configure.accept(runner);
                    runner.setup();
                    TcpSite site = new TcpSite(runner, "127.0.0.1", 0);
                    site.start();
                    return body.run(site.port(), runner);
                }
            });
        }
    }
}
