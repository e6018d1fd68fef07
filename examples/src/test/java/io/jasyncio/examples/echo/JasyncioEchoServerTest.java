package io.jasyncio.examples.echo;

import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The jasyncio echo servers pass the same checks as seed 002's other servers (see {@link EchoServersTest}). */
class JasyncioEchoServerTest {
    private final EchoServersTest checks = new EchoServersTest();

    static Stream<Arguments> jasyncioServers() {
        return Stream.of(
                Arguments.of("jasyncio-protocol", (Supplier<EchoServer>) () -> new JasyncioEchoServer(JasyncioEchoServer.Style.PROTOCOL)),
                Arguments.of("jasyncio-streams", (Supplier<EchoServer>) () -> new JasyncioEchoServer(JasyncioEchoServer.Style.STREAMS)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("jasyncioServers")
    void everyByteComesBackToItsClient(String name, Supplier<EchoServer> factory) throws Exception {
        checks.everyByteComesBackToItsClient(name, factory);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("jasyncioServers")
    void servesThreeClientsAtOnce(String name, Supplier<EchoServer> factory) throws Exception {
        checks.concurrentServersServeThreeClientsAtOnce(name, factory);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("jasyncioServers")
    void closeDisconnectsClientsAndEndsTheLoopThread(String name, Supplier<EchoServer> factory) throws Exception {
        checks.closeDisconnectsClientsAndEndsEveryThread(name, factory);
    }
}
