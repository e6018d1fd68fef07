package io.jasyncio.examples.echo;

import java.util.List;
import java.util.Locale;

/**
 * The five echo servers of seed 002 by name, and a {@code main} that runs one until the process is stopped.
 * Stateless; any thread.
 */
public final class EchoServers {
    private EchoServers() {}

    /** The names {@link #create} accepts. */
    public static final List<String> KINDS = List.of("sequential", "thread", "pool", "selector", "handmade");

    /** A new, unstarted server of the given kind (one of {@link #KINDS}). */
    public static EchoServer create(String kind) {
        return switch (kind.toLowerCase(Locale.ROOT)) {
            case "sequential" -> new SequentialEchoServer();
            case "thread" -> new ThreadPerClientEchoServer();
            case "pool" -> new ThreadPoolEchoServer();
            case "selector" -> new SelectorEchoServer();
            case "handmade" -> new HandmadeLoopEchoServer();
            default -> throw new IllegalArgumentException("unknown echo server '" + kind + "'; choose one of " + KINDS);
        };
    }

    /** Runs a server: {@code EchoServers KIND [PORT]} (port 55555 as in the seed; 0 for a free one). */
    public static void main(String[] args) throws Exception {
        if (args.length < 1 || args.length > 2) {
            throw new IllegalArgumentException("usage: EchoServers KIND [PORT], KIND one of " + KINDS);
        }
        EchoServer server = create(args[0]);
        int port = server.start(args.length > 1 ? Integer.parseInt(args[1]) : 55555);
        System.out.println(args[0] + " echo server listening on 127.0.0.1:" + port + " (Ctrl-C stops it)");
        Runtime.getRuntime().addShutdownHook(new Thread(server::close));
        Thread.currentThread().join(); // serve until the process is stopped
    }
}
