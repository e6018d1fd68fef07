package io.jasyncio.streams;

import java.io.IOException;

import io.jasyncio.Asyncio;
import io.jasyncio.transport.ConnectOptions;
import io.jasyncio.transport.Connection;
import io.jasyncio.transport.Net;
import io.jasyncio.transport.Server;
import io.jasyncio.transport.ServerOptions;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;

/**
 * asyncio's stream functions ({@code open_connection}, {@code start_server}, {@code open_unix_connection},
 * {@code start_unix_server}): connections as a {@link StreamReader} and a {@link StreamWriter}.
 *
 * <p>Threading: call from a task of the running loop; each function suspends the calling task. Errors are as
 * in {@link Net}.
 */
public final class Streams {
    private Streams() {}

    /** Connects to {@code host:port} with the default 64 KiB limit. */
    public static StreamPair openConnection(String host, int port) throws IOException {
        return openConnection(host, port, StreamReader.DEFAULT_LIMIT, ConnectOptions.DEFAULTS);
    }

    /** Connects to {@code host:port}; {@code limit} is the reader's limit. */
    public static StreamPair openConnection(String host, int port, int limit) throws IOException {
        return openConnection(host, port, limit, ConnectOptions.DEFAULTS);
    }

    /**
     * asyncio's {@code open_connection(host, port, limit=, **kwds)}: the options ({@code local_addr},
     * {@code happy_eyeballs_delay}, {@code ssl}...) are those of
     * {@link Net#createConnection(java.util.function.Supplier, String, int, ConnectOptions)}.
     */
    public static StreamPair openConnection(String host, int port, int limit, ConnectOptions options) throws IOException {
        StreamReader reader = new StreamReader(limit);
        StreamReaderProtocol protocol = new StreamReaderProtocol(reader);
        return pair(reader, protocol, Net.createConnection(() -> protocol, host, port, options));
    }

    /** Wraps an already connected channel in streams. */
    public static StreamPair openConnection(SocketChannel sock, int limit) throws IOException {
        return openConnection(sock, limit, ConnectOptions.DEFAULTS);
    }

    /** asyncio's {@code open_connection(sock=, limit=, ssl=)}: only {@link ConnectOptions#tls()} applies. */
    public static StreamPair openConnection(SocketChannel sock, int limit, ConnectOptions options) throws IOException {
        StreamReader reader = new StreamReader(limit);
        StreamReaderProtocol protocol = new StreamReaderProtocol(reader);
        return pair(reader, protocol, Net.createConnection(() -> protocol, sock, options));
    }

    /** Connects to the Unix domain socket at {@code path}. */
    public static StreamPair openUnixConnection(Path path) throws IOException {
        return openUnixConnection(path, StreamReader.DEFAULT_LIMIT, ConnectOptions.DEFAULTS);
    }

    /** Connects to the Unix domain socket at {@code path}, with reader limit {@code limit}. */
    public static StreamPair openUnixConnection(Path path, int limit) throws IOException {
        return openUnixConnection(path, limit, ConnectOptions.DEFAULTS);
    }

    /**
     * asyncio's {@code open_unix_connection(path, limit=, ssl=, server_hostname=)}: see
     * {@link Net#createUnixConnection(java.util.function.Supplier, Path, ConnectOptions)}.
     */
    public static StreamPair openUnixConnection(Path path, int limit, ConnectOptions options) throws IOException {
        StreamReader reader = new StreamReader(limit);
        StreamReaderProtocol protocol = new StreamReaderProtocol(reader);
        return pair(reader, protocol, Net.createUnixConnection(() -> protocol, path, options));
    }

    private static StreamPair pair(StreamReader reader, StreamReaderProtocol protocol, Connection<StreamReaderProtocol> c) {
        return new StreamPair(reader, new StreamWriter(c.transport(), protocol, reader, Asyncio.getRunningLoop()));
    }

    /**
     * Starts a server on {@code host:port} (null host: all interfaces; port 0: a free one); each connection runs
     * {@code clientConnected} in its own task with its reader and writer. The server is serving on return. An
     * exception escaping {@code clientConnected} goes to the loop's exception handler, as in asyncio, including a
     * client's reset (the {@link java.net.SocketException} that {@code read} or {@code drain} then throws): catch
     * {@link java.io.IOException} in the callback where resets are expected.
     */
    public static Server startServer(StreamReaderProtocol.ClientConnected clientConnected, String host, int port) throws IOException {
        return startServer(clientConnected, host, port, StreamReader.DEFAULT_LIMIT, ServerOptions.DEFAULTS);
    }

    /**
     * {@link #startServer(StreamReaderProtocol.ClientConnected, String, int)} with a limit and options; with
     * {@code options.tls()}, {@code clientConnected} runs after each connection's TLS handshake.
     */
    public static Server startServer(StreamReaderProtocol.ClientConnected clientConnected, String host, int port,
            int limit, ServerOptions options) throws IOException {
        return Net.createServer(() -> new StreamReaderProtocol(new StreamReader(limit), clientConnected), host, port, options);
    }

    /** Starts a server on the Unix domain socket {@code path}. */
    public static Server startUnixServer(StreamReaderProtocol.ClientConnected clientConnected, Path path) throws IOException {
        return startUnixServer(clientConnected, path, StreamReader.DEFAULT_LIMIT, ServerOptions.DEFAULTS);
    }

    /** {@link #startUnixServer(StreamReaderProtocol.ClientConnected, Path)} with a limit and options (TLS too). */
    public static Server startUnixServer(StreamReaderProtocol.ClientConnected clientConnected, Path path, int limit,
            ServerOptions options) throws IOException {
        return Net.createUnixServer(() -> new StreamReaderProtocol(new StreamReader(limit), clientConnected), path, options);
    }
}
