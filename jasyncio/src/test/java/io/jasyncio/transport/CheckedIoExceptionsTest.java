package io.jasyncio.transport;

import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.Asyncio;
import io.jasyncio.streams.Streams;
import io.jasyncio.subprocess.Subprocesses;
import java.io.IOException;
import java.net.BindException;
import java.net.ConnectException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The I/O entry points declare {@code throws IOException}, as the JDK's do: a caller names the failure it
 * handles ({@code catch (ConnectException e)}), which would not compile if it were thrown undeclared. Each catch
 * sits in a plain method, not in a {@code Coroutine} lambda (whose {@code throws Exception} would hide a missing
 * declaration).
 */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class CheckedIoExceptionsTest {
    /** A protocol that does nothing. */
    static final class Plain implements Protocol {}

    /** A refused connection, caught by its own type around {@code Net.createConnection}. */
    static String connectRefused(int port) {
        try {
            Net.createConnection(Plain::new, "127.0.0.1", port);
            return "connected";
        } catch (ConnectException e) {
            return "refused: " + e.getMessage();
        } catch (IOException e) {
            return "other: " + e;
        }
    }

    @Test
    void connectExceptionIsCaughtByItsType() throws Exception {
        int port = ConnectOptionsTest.unusedPort();
        String outcome = Asyncio.run(() -> connectRefused(port));
        assertTrue(outcome.startsWith("refused: "), outcome);
        assertTrue(outcome.contains(String.valueOf(port)), "the message names the address: " + outcome);
    }

    /** The same through the streams' entry point. */
    static String openRefused(int port) {
        try {
            Streams.openConnection("127.0.0.1", port).writer().close();
            return "connected";
        } catch (ConnectException e) {
            return "refused";
        } catch (IOException e) {
            return "other: " + e;
        }
    }

    @Test
    void streamsOpenConnectionDeclaresIt() throws Exception {
        int port = ConnectOptionsTest.unusedPort();
        assertEquals("refused", Asyncio.run(() -> openRefused(port)));
    }

    /** A port in use, caught as {@link BindException} around {@code Net.createServer}. */
    static String bindTwice() throws IOException {
        Server first = Net.createServer(Plain::new, "127.0.0.1", 0);
        try {
            Net.createServer(Plain::new, "127.0.0.1", ServerTest.portOf(first));
            return "bound twice";
        } catch (BindException e) {
            return "in use";
        } finally {
            first.close();
        }
    }

    @Test
    void bindExceptionIsCaughtByItsType() throws Exception {
        assertEquals("in use", Asyncio.run(CheckedIoExceptionsTest::bindTwice));
    }

    /** A program that does not exist: the JDK's IOException from starting the process, declared. */
    static String missingProgram() {
        try {
            Subprocesses.createSubprocessExec(Path.of("/nonexistent/jasyncio-no-such-program").toString());
            return "started";
        } catch (IOException e) {
            return "not started";
        }
    }

    @Test
    void subprocessCreationDeclaresIt() throws Exception {
        assertEquals("not started", Asyncio.run(CheckedIoExceptionsTest::missingProgram));
    }
}
