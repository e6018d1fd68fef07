package io.jasyncio.cli;

import io.jasyncio.examples.web.WebApp;
import io.jasyncio.http.AccessLog;
import io.jasyncio.http.Web;
import io.jasyncio.transport.ShardedServer;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code web-server}: seed 004's aiohttp-style web server ({@link WebApp}); runs until Ctrl-C (exit 130) or
 * SIGTERM (exit 0), either way letting the requests under way finish. With {@code --loops N}, N event loops serve
 * the port, each with its own application ({@link Web#runApp(java.util.function.Supplier, String, int, int)}).
 */
@Command(name = "web-server", mixinStandardHelpOptions = true,
        description = "Seed 004's web server, aiohttp-style: GET / (Hello, World!), GET /hello/{name}, "
                + "GET /sleep?s=0.1, POST /echo, GET /login?user=NAME (a cookie and a redirect to a named route), GET /me, "
                + "GET /logout, GET /squares/{n:\\d{1,4}} (JSON). Serves until Ctrl-C or SIGTERM, then lets the requests under way finish.")
public final class WebServerCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "Address to listen on. Default ${DEFAULT-VALUE}.")
    String host;

    @Option(names = "--port", defaultValue = "8080", description = "Port, 0 (any free one) to 65535. Default ${DEFAULT-VALUE}.")
    int port;

    @Option(names = "--loops", defaultValue = "1", description = "Event loops, one thread each, sharing the port: "
            + "1 to " + Check.MAX_LOOPS + ", or 0 for one per available processor. Default ${DEFAULT-VALUE}.")
    int loops;

    @Option(names = "--sharding", defaultValue = "auto", description = "With several loops, how connections are "
            + "spread: reuse-port (a listening socket per loop, SO_REUSEPORT), acceptor (loop 0 accepts and hands "
            + "them out in turn), auto (reuse-port where available). Default ${DEFAULT-VALUE}.")
    Sharding sharding;

    /** {@link ShardedServer.Sharding} as written on the command line. */
    enum Sharding {
        auto(ShardedServer.Sharding.AUTO), reuse_port(ShardedServer.Sharding.REUSE_PORT), acceptor(ShardedServer.Sharding.ACCEPTOR);

        final ShardedServer.Sharding value;

        Sharding(ShardedServer.Sharding value) {
            this.value = value;
        }

        @Override
        public String toString() {
            return name().replace('_', '-');
        }
    }

    @Option(names = "--access-log", description = "Print a line per request to stdout, in aiohttp's default access log format.")
    boolean accessLog;

    @Override
    public Integer call() {
        Check.listenPort(spec, "--port", port);
        Check.loops(spec, loops);
        AccessLog log = accessLog ? AccessLog.toStream(AccessLog.DEFAULT_FORMAT, System.out) : null;
        if (loops == 1) {
            Web.runApp(WebApp.app(), host, port, log);
        } else if (log != null) {
            throw new ParameterException(spec.commandLine(), "--access-log with --loops " + loops + ": not yet (each loop "
                    + "would need its own log); use --loops 1 for an access log");
        } else {
            Web.runApp(WebApp::app, host, port, loops, sharding.value);
        }
        return 0;
    }
}
