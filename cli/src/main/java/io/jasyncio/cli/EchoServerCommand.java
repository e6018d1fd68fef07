package io.jasyncio.cli;

import io.jasyncio.examples.echo.EchoServer;
import io.jasyncio.examples.echo.HandmadeLoopEchoServer;
import io.jasyncio.examples.echo.JasyncioEchoServer;
import io.jasyncio.examples.echo.SelectorEchoServer;
import io.jasyncio.examples.echo.SequentialEchoServer;
import io.jasyncio.examples.echo.ThreadPerClientEchoServer;
import io.jasyncio.examples.echo.ThreadPoolEchoServer;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code echo-server}: seed 002's echo server, in the way chosen with {@code --mode}; runs until Ctrl-C. */
@Command(name = "echo-server", mixinStandardHelpOptions = true,
        description = "Seed 002's echo server: sequential, threads, pool, selector, handmade (no jasyncio), "
                + "or jasyncio's streams / protocol servers. Serves 127.0.0.1 until Ctrl-C.")
public final class EchoServerCommand implements Callable<Integer> {
    /** The ways of serving. */
    enum Mode { sequential, threads, pool, selector, handmade, streams, protocol }

    @Spec
    CommandSpec spec;

    @Option(names = "--mode", required = true, description = "One of: ${COMPLETION-CANDIDATES}.")
    Mode mode;

    @Option(names = "--port", defaultValue = "25000", description = "Port on 127.0.0.1, 0 (any free port) to 65535. Default ${DEFAULT-VALUE}.")
    int port;

    @Option(names = "--loops", defaultValue = "1", description = "With --mode streams or protocol: event loops, one "
            + "thread each, sharing the port (SO_REUSEPORT where available, else one acceptor): 1 to "
            + Check.MAX_LOOPS + ", or 0 for one per available processor. Default ${DEFAULT-VALUE}.")
    int loops;

    /** The server of {@code mode} on {@code loops} loops (streams and protocol only), not started. */
    static EchoServer create(Mode mode, int loops) {
        return switch (mode) {
            case streams -> new JasyncioEchoServer(JasyncioEchoServer.Style.STREAMS, loops);
            case protocol -> new JasyncioEchoServer(JasyncioEchoServer.Style.PROTOCOL, loops);
            default -> create(mode);
        };
    }

    /** The server of {@code mode}, not started. */
    static EchoServer create(Mode mode) {
        return switch (mode) {
            case sequential -> new SequentialEchoServer();
            case threads -> new ThreadPerClientEchoServer();
            case pool -> new ThreadPoolEchoServer();
            case selector -> new SelectorEchoServer();
            case handmade -> new HandmadeLoopEchoServer();
            case streams -> new JasyncioEchoServer(JasyncioEchoServer.Style.STREAMS);
            case protocol -> new JasyncioEchoServer(JasyncioEchoServer.Style.PROTOCOL);
        };
    }

    @Override
    public Integer call() throws Exception {
        Check.listenPort(spec, "--port", port);
        Check.loops(spec, loops);
        if (loops != 1 && mode != Mode.streams && mode != Mode.protocol) {
            throw Check.fail(spec, "--loops applies to --mode streams and protocol only (the jasyncio servers); got --mode " + mode);
        }
        EchoServer server = create(mode, loops);
        CountDownLatch stop = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            if (server instanceof JasyncioEchoServer j && j.sharding() != null) {
                System.out.println("connections per loop: " + java.util.Arrays.stream(j.connectionsPerLoop())
                        .mapToObj(Long::toString).collect(java.util.stream.Collectors.joining(" ")));
            }
            stop.countDown();
        }));
        int bound = server.start(port);
        String on = server instanceof JasyncioEchoServer j && j.sharding() != null
                ? " on " + j.loops() + " loops (" + (j.sharding() == io.jasyncio.transport.ShardedServer.Sharding.REUSE_PORT
                        ? "one socket per loop, SO_REUSEPORT" : "loop 0 accepts and hands out") + ")" : "";
        System.out.println("echo server (" + mode + ") listening on 127.0.0.1:" + bound + on + "; Ctrl-C stops it");
        stop.await();
        return 0;
    }
}
