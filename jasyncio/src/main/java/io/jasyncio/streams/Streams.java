package io.jasyncio.streams;

import java.io.IOException;

import io.jasyncio.Asyncio;
import io.jasyncio.tls.Tls;
import io.jasyncio.tls.TlsOptions;
import io.jasyncio.transport.Connection;
import io.jasyncio.transport.Net;
import io.jasyncio.transport.Server;
import io.jasyncio.transport.ServerOptions;
import java.net.InetSocketAddress;
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
        return openConnection(host, port, StreamReader.DEFAULT_LIMIT);
    }

    /** Connects to {@code host:port}; {@code limit} is the reader's limit. */
    public static StreamPair openConnection(String host, int port, int limit) throws IOException {
        StreamReader reader = new StreamReader(limit);
        StreamReaderProtocol protocol = new StreamReaderProtocol(reader);
        Connection<StreamReaderProtocol> c = Net.createConnection(() -> protocol, host, port);
        return new StreamPair(reader, new StreamWriter(c.transport(), protocol, reader, Asyncio.getRunningLoop()));
    }

    /**
     * Connects to {@code host:port} from {@code localAddr} (asyncio's {@code open_connection(..., local_addr=)},
     * passed to {@link Net#createConnection(java.util.function.Supplier, String, int, InetSocketAddress)}).
     */
    public static StreamPair openConnection(String host, int port, int limit, InetSocketAddress localAddr) throws IOException {
        StreamReader reader = new StreamReader(limit);
        StreamReaderProtocol protocol = new StreamReaderProtocol(reader);
        Connection<StreamReaderProtocol> c = Net.createConnection(() -> protocol, host, port, localAddr);
        return new StreamPair(reader, new StreamWriter(c.transport(), protocol, reader, Asyncio.getRunningLoop()));
    }

    /** Wraps an already connected channel in streams. */
    public static StreamPair openConnection(SocketChannel sock, int limit) throws IOException {
        StreamReader reader = new StreamReader(limit);
        StreamReaderProtocol protocol = new StreamReaderProtocol(reader);
        Connection<StreamReaderProtocol> c = Net.createConnection(() -> protocol, sock);
        return new StreamPair(reader, new StreamWriter(c.transport(), protocol, reader, Asyncio.getRunningLoop()));
    }

    /** Connects to the Unix domain socket at {@code path}. */
    public static StreamPair openUnixConnection(Path path) throws IOException {
        return openUnixConnection(path, StreamReader.DEFAULT_LIMIT);
    }

    /** Connects to the Unix domain socket at {@code path}, with reader limit {@code limit}. */
    public static StreamPair openUnixConnection(Path path, int limit) throws IOException {
        StreamReader reader = new StreamReader(limit);
        StreamReaderProtocol protocol = new StreamReaderProtocol(reader);
        Connection<StreamReaderProtocol> c = Net.createUnixConnection(() -> protocol, path);
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

    /** {@link #startServer(StreamReaderProtocol.ClientConnected, String, int)} with a limit and options. */
    public static Server startServer(StreamReaderProtocol.ClientConnected clientConnected, String host, int port,
            int limit, ServerOptions options) throws IOException {
        return Net.createServer(() -> new StreamReaderProtocol(new StreamReader(limit), clientConnected), host, port, options);
    }

    /** Starts a server on the Unix domain socket {@code path}. */
    public static Server startUnixServer(StreamReaderProtocol.ClientConnected clientConnected, Path path) throws IOException {
        return startUnixServer(clientConnected, path, StreamReader.DEFAULT_LIMIT, ServerOptions.DEFAULTS);
    }

    /** {@link #startUnixServer(StreamReaderProtocol.ClientConnected, Path)} with a limit and options. */
    public static Server startUnixServer(StreamReaderProtocol.ClientConnected clientConnected, Path path, int limit,
            ServerOptions options) throws IOException {
        return Net.createUnixServer(() -> new StreamReaderProtocol(new StreamReader(limit), clientConnected), path, options);
    }

    // ---------------------------------------------------------------- TLS (implemented in Tls; branch tls)

    /** {@link #openConnection(String, int)} over TLS. See {@link Tls}. */
    public static StreamPair openConnection(String host, int port, TlsOptions tls) throws IOException {
        return Tls.openConnection(host, port, tls);
    }

    /** {@link #openConnection(String, int, int, InetSocketAddress)} over TLS ({@code localAddr} may be null). See {@link Tls}. */
    public static StreamPair openConnection(String host, int port, int limit, InetSocketAddress localAddr, TlsOptions tls) throws IOException {
        return Tls.openConnection(host, port, limit, localAddr, tls);
    }

    /** {@link #openUnixConnection(Path)} over TLS ({@code tls.serverHostname()} is required). See {@link Tls}. */
    public static StreamPair openUnixConnection(Path path, TlsOptions tls) throws IOException {
        return Tls.openUnixConnection(path, StreamReader.DEFAULT_LIMIT, tls);
    }

    /** {@link #openUnixConnection(Path, int)} over TLS. See {@link Tls}. */
    public static StreamPair openUnixConnection(Path path, int limit, TlsOptions tls) throws IOException {
        return Tls.openUnixConnection(path, limit, tls);
    }

    /** {@link #startUnixServer(StreamReaderProtocol.ClientConnected, Path)} serving TLS. See {@link Tls}. */
    public static Server startUnixServer(StreamReaderProtocol.ClientConnected clientConnected, Path path, TlsOptions tls) throws IOException {
        return Tls.startUnixServer(clientConnected, path, StreamReader.DEFAULT_LIMIT, ServerOptions.DEFAULTS, tls);
    }

    /** {@link #startUnixServer(StreamReaderProtocol.ClientConnected, Path, int, ServerOptions)} serving TLS. */
    public static Server startUnixServer(StreamReaderProtocol.ClientConnected clientConnected, Path path, int limit,
            ServerOptions options, TlsOptions tls) throws IOException {
        return Tls.startUnixServer(clientConnected, path, limit, options, tls);
    }

    /** {@link #startServer(StreamReaderProtocol.ClientConnected, String, int)} serving TLS. See {@link Tls}. */
    public static Server startServer(StreamReaderProtocol.ClientConnected clientConnected, String host, int port,
            TlsOptions tls) throws IOException {
        return Tls.startServer(clientConnected, host, port, tls);
    }

    /** {@link #startServer(StreamReaderProtocol.ClientConnected, String, int, int, ServerOptions)} serving TLS. */
    public static Server startServer(StreamReaderProtocol.ClientConnected clientConnected, String host, int port,
            int limit, ServerOptions options, TlsOptions tls) throws IOException {
        return Tls.startServer(clientConnected, host, port, limit, options, tls);
    }
}
