package io.jasyncio.http;

import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.Asyncio;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What a handler's {@link Error} does: a StackOverflowError is that handler's failure (a 500, reported, the
 * connection goes on), as in task code; any other VirtualMachineError ends the run, as the core does for task code
 * (it used to be caught per connection, and the server went on after an OutOfMemoryError).
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class HandlerErrorTest {

    @Test
    void aStackOverflowInAHandlerIsA500AndTheConnectionGoesOn() throws Exception {
        Application app = new Application();
        app.router().addGet("/deep", r -> {
            throw new StackOverflowError("deep");
        });
        app.router().addGet("/", r -> Response.text("ok"));
        try (Served s = Served.start(app); RawClient c = new RawClient(s.port)) {
            assertEquals(500, c.get("/deep").read().status());
            assertEquals(1, s.errors.size());
            assertInstanceOf(StackOverflowError.class, s.errors.get(0).exception());
            assertEquals(200, c.get("/").read().status());
        }
    }

    @Test
    void anOutOfMemoryErrorInAHandlerEndsTheRunAndClosesTheConnection() {
        OutOfMemoryError oom = new OutOfMemoryError("raised by a handler");
        Application app = new Application();
        app.router().addGet("/oom", r -> {
            throw oom;
        });
        Throwable thrown = assertThrows(OutOfMemoryError.class, () -> Asyncio.run(() -> {
            AppRunner runner = new AppRunner(app);
            runner.setup();
            TcpSite site = new TcpSite(runner, "127.0.0.1", 0);
            site.start();
            int port = site.port();
            Asyncio.toThread(() -> {
                try (Socket sock = new Socket("127.0.0.1", port)) {
                    OutputStream out = sock.getOutputStream();
                    out.write("GET /oom HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    InputStream in = sock.getInputStream();
                    in.readAllBytes(); // until the server closes the connection, or the run ends
                }
                return null;
            });
            return null;
        }));
        assertSame(oom, thrown);
    }
}
