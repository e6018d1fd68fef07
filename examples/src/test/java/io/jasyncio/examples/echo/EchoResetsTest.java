package io.jasyncio.examples.echo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jasyncio.examples.LogCapture;
import io.jasyncio.examples.Resets;
import java.util.List;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.stream.Stream;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 13, item 14: a client resetting its connection is normal. 100 resets give no WARNING or SEVERE line
 * (the streams server logged each at SEVERE with a stack trace: 1,000 resets, 10,048 lines), at most one DEBUG
 * line each from the example, and the server goes on serving.
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class EchoResetsTest {
    static Stream<Arguments> everyServer() {
        return Stream.concat(EchoServersTest.allServers(), JasyncioEchoServerTest.jasyncioServers());
    }

    /** What an example logged: no warning or error, and each DEBUG line one line without a stack trace. */
    static void assertQuiet(LogCapture log) {
        assertEquals(List.of(), log.warningsAndErrors());
        for (LogRecord r : log.records()) {
            if (!r.getLoggerName().startsWith("io.jasyncio.examples")) continue; // the library's, at DEBUG (asyncio's)
            assertEquals(Level.FINE, r.getLevel(), r.getMessage());
            assertNull(r.getThrown(), r.getMessage());
            assertTrue(!r.getMessage().contains("\n"), r.getMessage());
        }
        long exampleLines = log.records().stream().filter(r -> r.getLoggerName().startsWith("io.jasyncio.examples")).count();
        assertTrue(exampleLines <= Resets.COUNT, exampleLines + " lines for " + Resets.COUNT + " resets");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("everyServer")
    void resetsAreLoggedAtDebugOnlyAndTheServerGoesOn(String name, Supplier<EchoServer> factory) throws Exception {
        byte[] message = "hello, then a reset\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        try (LogCapture log = new LogCapture()) {
            try (EchoServer server = factory.get()) {
                int port = server.start(0);
                for (int i = 0; i < Resets.COUNT; i++) Resets.connectAndReset(port, message, i % 2 == 1);
                try (EchoServersTest.LineClient after = new EchoServersTest.LineClient(port)) {
                    assertEquals("still serving", after.echo("still serving"));
                }
            } // close() returns once the server's threads have ended: whatever they log is logged by then
            assertQuiet(log);
        }
    }
}
