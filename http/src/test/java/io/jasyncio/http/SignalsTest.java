package io.jasyncio.http;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.Asyncio;
import io.jasyncio.EventLoop;
import io.jasyncio.Runner;
import io.jasyncio.Task;
import io.jasyncio.streams.StreamPair;
import io.jasyncio.streams.Streams;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The application's signals in aiohttp's order (web_app.py, web_runner.py): cleanup contexts and on_startup at
 * setup; at cleanup, the sites stop, on_shutdown runs while a request is still under way, the runner waits for
 * it, then the cleanup contexts end in reverse and on_cleanup runs in order. On the virtual-clock loop, so every
 * step has an exact time.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SignalsTest {
    private static <T> T onVirtualLoop(io.jasyncio.Coroutine<T> body) {
        try (Runner r = Runner.builder().loopFactory(EventLoop::withVirtualClock).build()) {
            return r.run(body);
        }
    }

    @Test
    void signalsRunInAiohttpsOrderAroundARequestUnderWay() {
        List<String> log = onVirtualLoop(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            List<String> l = new ArrayList<>();
            Application sub = new Application();
            sub.onStartup(a -> l.add("sub startup"));
            sub.onShutdown(a -> l.add("sub shutdown"));
            sub.onCleanup(a -> l.add("sub cleanup"));
            Application app = new Application();
            app.router().addGet("/slow", r -> {
                l.add("handler starts at " + loop.time());
                Asyncio.sleep(5);
                l.add("handler ends at " + loop.time());
                return Response.text("done");
            });
            app.onStartup(a -> l.add("startup 1"));
            app.cleanupCtx(a -> {
                l.add("ctx A enter");
                return () -> l.add("ctx A exit");
            });
            app.addSubapp("/sub", sub); // its signals run here, among the parent's, in every signal
            app.onStartup(a -> l.add("startup 2"));
            app.cleanupCtx(a -> {
                Asyncio.sleep(1); // a context may await
                l.add("ctx B enter at " + loop.time());
                return () -> l.add("ctx B exit");
            });
            app.onShutdown(a -> l.add("shutdown at " + loop.time()));
            app.onCleanup(a -> l.add("cleanup 1 at " + loop.time()));
            app.onCleanup(a -> l.add("cleanup 2"));
            AppRunner runner = new AppRunner(app);
            runner.setup();
            TcpSite site = new TcpSite(runner, "127.0.0.1", 0);
            site.start();
            double t0 = loop.time();
            StreamPair c = Streams.openConnection("127.0.0.1", site.port());
            c.writer().write("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(ISO_8859_1));
            while (l.stream().noneMatch(s -> s.startsWith("handler starts"))) Asyncio.sleep(0.01);
            Task<Void> reader = loop.createTask(() -> {
                byte[] all = c.reader().read(-1);
                l.add("client got " + new String(all, ISO_8859_1).split("\r\n")[0]);
                return null;
            });
            runner.cleanup();
            Asyncio.await(reader);
            c.writer().close();
            l.add("cleanup returned after " + Math.round(loop.time() - t0) + " s");
            return l;
        });
        assertEquals(List.of("ctx A enter", "ctx B enter at 1.0", "startup 1", "sub startup", "startup 2",
                "handler starts at 1.0", "sub shutdown", "shutdown at 1.0", "handler ends at 6.0",
                "ctx B exit", "ctx A exit", "sub cleanup", "cleanup 1 at 6.0", "cleanup 2",
                "client got HTTP/1.1 200 OK", "cleanup returned after 5 s"),
                log.stream().map(s -> s.replaceAll("at (\\d+)\\.\\d+$", "at $1.0")).toList());
    }

    @Test
    void aFailingStartupExitsTheContextsItEntered() {
        List<String> log = onVirtualLoop(() -> {
            List<String> l = new ArrayList<>();
            Application app = new Application();
            app.cleanupCtx(a -> {
                l.add("enter");
                return () -> l.add("exit");
            });
            Application sub = new Application();
            sub.cleanupCtx(a -> {
                l.add("sub enter");
                return () -> l.add("sub exit");
            });
            app.addSubapp("/sub", sub);
            app.onStartup(a -> {
                throw new IllegalStateException("no database");
            });
            app.onCleanup(a -> l.add("cleanup hook must not run"));
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> new AppRunner(app).setup());
            l.add(e.getMessage());
            return l;
        });
        assertEquals(List.of("enter", "sub enter", "sub exit", "exit", "no database"), log);
    }

    @Test
    void aFailingShutdownOrCleanupHookDoesNotStopTheOthers() {
        List<String> log = onVirtualLoop(() -> {
            List<String> l = new ArrayList<>();
            Application app = new Application();
            app.onShutdown(a -> {
                throw new IllegalStateException("shutdown failed");
            });
            app.onShutdown(a -> l.add("shutdown 2"));
            app.onCleanup(a -> {
                throw new java.io.IOException("cleanup failed");
            });
            app.onCleanup(a -> l.add("cleanup 2"));
            app.cleanupCtx(a -> () -> l.add("ctx exit"));
            AppRunner runner = new AppRunner(app);
            runner.setup();
            RuntimeException e = assertThrows(RuntimeException.class, runner::cleanup);
            l.add(e.getMessage());
            l.add("suppressed: " + e.getSuppressed()[0].getMessage());
            return l;
        });
        assertEquals(List.of("shutdown 2", "ctx exit", "cleanup 2", "shutdown failed", "suppressed: cleanup failed"), log);
    }

    @Test
    void signalsAreFrozenOnceServed() {
        onVirtualLoop(() -> {
            Application app = new Application();
            try (AppRunner runner = new AppRunner(app)) {
                runner.setup();
                assertThrows(IllegalStateException.class, () -> app.onShutdown(a -> {}));
                assertThrows(IllegalStateException.class, () -> app.cleanupCtx(a -> null));
                assertThrows(IllegalStateException.class, () -> app.addSubapp("/x", new Application()));
            }
            return null;
        });
    }
}
