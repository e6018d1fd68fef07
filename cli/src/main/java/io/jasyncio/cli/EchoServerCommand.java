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
        EchoServer server = create(mode);
        CountDownLatch stop = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stop.countDown();
        }));
        int bound = server.start(port);
        System.out.println("echo server (" + mode + ") listening on 127.0.0.1:" + bound + "; Ctrl-C stops it");
        stop.await();
        return 0;
    }
}
