package io.jasyncio.cli;

import io.jasyncio.bench.EchoLoad;
import java.net.InetSocketAddress;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code echo-load}: our echo load client (uvloop's benchmark protocol), printing req/s and latency percentiles. */
@Command(name = "echo-load", mixinStandardHelpOptions = true,
        description = "Drives an echo server: C connections, N-byte messages ending in \\n, for S seconds.")
public final class EchoLoadCommand implements Callable<Integer> {
    static final int MAX_CONNS = 10_000;
    static final int MAX_MSIZE = 16 << 20;
    static final double MAX_DURATION = 3600;

    @Spec
    CommandSpec spec;

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "Server address (loopback). Default ${DEFAULT-VALUE}.")
    String host;

    @Option(names = "--port", required = true, description = "Server port, 1 to 65535.")
    int port;

    @Option(names = "--conns", defaultValue = "3", description = "Concurrent connections, 1 to " + MAX_CONNS + ". Default ${DEFAULT-VALUE}.")
    int conns;

    @Option(names = "--msize", defaultValue = "1000", description = "Message size in bytes, 1 to " + MAX_MSIZE + ". Default ${DEFAULT-VALUE}.")
    int msize;

    @Option(names = "--duration", defaultValue = "5", description = "Seconds to run, at most " + (int) MAX_DURATION + ". Default ${DEFAULT-VALUE}.")
    double duration;

    @Override
    public Integer call() {
        Check.connectPort(spec, "--port", port);
        Check.count(spec, "--conns", conns, 1, MAX_CONNS);
        Check.count(spec, "--msize", msize, 1, MAX_MSIZE);
        Check.seconds(spec, "--duration", duration, MAX_DURATION);
        InetSocketAddress server = new InetSocketAddress(host, port);
        if (server.isUnresolved()) throw Check.fail(spec, "--host: cannot resolve '" + host + "'");
        EchoLoad.Result r = new EchoLoad(server, conns, msize, duration).run();
        System.out.println(r.summary());
        return 0;
    }
}
