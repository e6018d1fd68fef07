package io.jasyncio.cli;

import io.jasyncio.bench.EchoLoad;
import java.net.InetSocketAddress;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code echo-load}: our echo load client (uvloop's benchmark protocol), printing req/s and latency percentiles. */
@Command(name = "echo-load", mixinStandardHelpOptions = true,
        description = "Drives an echo server: C connections, N-byte messages ending in \\n, for S seconds.")
public final class EchoLoadCommand implements Callable<Integer> {
    @Option(names = "--host", defaultValue = "127.0.0.1", description = "Server address (loopback). Default ${DEFAULT-VALUE}.")
    String host;

    @Option(names = "--port", required = true, description = "Server port.")
    int port;

    @Option(names = "--conns", defaultValue = "3", description = "Concurrent connections. Default ${DEFAULT-VALUE}.")
    int conns;

    @Option(names = "--msize", defaultValue = "1000", description = "Message size in bytes. Default ${DEFAULT-VALUE}.")
    int msize;

    @Option(names = "--duration", defaultValue = "5", description = "Seconds to run. Default ${DEFAULT-VALUE}.")
    double duration;

    @Override
    public Integer call() {
        EchoLoad.Result r = new EchoLoad(new InetSocketAddress(host, port), conns, msize, duration).run();
        System.out.println(r.summary());
        return 0;
    }
}
