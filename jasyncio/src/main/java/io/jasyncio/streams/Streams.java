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

    /**
     * Connects to {@code host:port} with the default 64 KiB limit.
     *
     * @param host the host name or address
     * @param port the remote port
     * @return the connection's reader and writer
     * @throws IOException if the connection cannot be made (as {@link Net}'s, TLS handshake included)
     */
    public static StreamPair openConnection(String host, int port) throws IOException {
        return openConnection(host, port, StreamReader.DEFAULT_LIMIT, ConnectOptions.DEFAULTS);
    }

    /**
     * Connects to {@code host:port}.
     *
     * @param host the host name or address
     * @param port the remote port
     * @param limit the reader's limit (see {@link StreamReader#StreamReader(int)})
     * @return the connection's reader and writer
     * @throws IOException if the connection cannot be made (as {@link Net}'s, TLS handshake included)
     */
    public static StreamPair openConnection(String host, int port, int limit) throws IOException {
        return openConnection(host, port, limit, ConnectOptions.DEFAULTS);
    }

    /**
     * asyncio's {@code open_connection(host, port, limit=, **kwds)}: the options ({@code local_addr},
     * {@code happy_eyeballs_delay}, {@code ssl}...) are those of
     * {@link Net#createConnection(java.util.function.Supplier, String, int, ConnectOptions)}.
     *
     * @param host the host name or address
     * @param port the remote port
     * @param limit the reader's limit (see {@link StreamReader#StreamReader(int)})
     * @param options the connection's options
     * @return the connection's reader and writer
     * @throws IOException if the connection cannot be made (as {@link Net}'s, TLS handshake included)
     */
    public static StreamPair openConnection(String host, int port, int limit, ConnectOptions options) throws IOException {
        StreamReader reader = new StreamReader(limit);
        StreamReaderProtocol protocol = new StreamReaderProtocol(reader);
        return pair(reader, protocol, Net.createConnection(() -> protocol, host, port, options));
    }

    /**
     * Wraps an already connected channel in streams.
     *
     * @param sock a connected channel; the connection takes it over
     * @param limit the reader's limit (see {@link StreamReader#StreamReader(int)})
     * @return the connection's reader and writer
     * @throws IOException if the channel cannot be set up
     */
    public static StreamPair openConnection(SocketChannel sock, int limit) throws IOException {
        return openConnection(sock, limit, ConnectOptions.DEFAULTS);
    }

    /**
     * asyncio's {@code open_connection(sock=, limit=, ssl=)}: only {@link ConnectOptions#tls()} applies.
     *
     * @param sock a connected channel; the connection takes it over
     * @param limit the reader's limit (see {@link StreamReader#StreamReader(int)})
     * @param options the options (TLS)
     * @return the connection's reader and writer
     * @throws IOException if the channel cannot be set up or the TLS handshake fails
     */
    public static StreamPair openConnection(SocketChannel sock, int limit, ConnectOptions options) throws IOException {
        StreamReader reader = new StreamReader(limit);
        StreamReaderProtocol protocol = new StreamReaderProtocol(reader);
        return pair(reader, protocol, Net.createConnection(() -> protocol, sock, options));
    }

    /**
     * Connects to the Unix domain socket at {@code path}, with the default 64 KiB limit.
     *
     * @param path the socket's path
     * @return the connection's reader and writer
     * @throws IOException if the connection cannot be made
     */
    public static StreamPair openUnixConnection(Path path) throws IOException {
        return openUnixConnection(path, StreamReader.DEFAULT_LIMIT, ConnectOptions.DEFAULTS);
    }

    /**
     * Connects to the Unix domain socket at {@code path}.
     *
     * @param path the socket's path
     * @param limit the reader's limit (see {@link StreamReader#StreamReader(int)})
     * @return the connection's reader and writer
     * @throws IOException if the connection cannot be made
     */
    public static StreamPair openUnixConnection(Path path, int limit) throws IOException {
        return openUnixConnection(path, limit, ConnectOptions.DEFAULTS);
    }

    /**
     * asyncio's {@code open_unix_connection(path, limit=, ssl=, server_hostname=)}: see
     * {@link Net#createUnixConnection(java.util.function.Supplier, Path, ConnectOptions)}.
     *
     * @param path the socket's path
     * @param limit the reader's limit (see {@link StreamReader#StreamReader(int)})
     * @param options the options (TLS)
     * @return the connection's reader and writer
     * @throws IOException if the connection cannot be made or the TLS handshake fails
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
     *
     * @param clientConnected runs once per connection, in a task of its own
     * @param host the address to listen on: a name, an address, or null for all interfaces
     * @param port the port, or 0 for a free one
     * @return the server, serving
     * @throws IOException if the socket cannot be bound
     */
    public static Server startServer(StreamReaderProtocol.ClientConnected clientConnected, String host, int port) throws IOException {
        return startServer(clientConnected, host, port, StreamReader.DEFAULT_LIMIT, ServerOptions.DEFAULTS);
    }

    /**
     * {@link #startServer(StreamReaderProtocol.ClientConnected, String, int)} with a limit and options; with
     * {@code options.tls()}, {@code clientConnected} runs after each connection's TLS handshake.
     *
     * @param clientConnected runs once per connection, in a task of its own
     * @param host the address to listen on: a name, an address, or null for all interfaces
     * @param port the port, or 0 for a free one
     * @param limit each reader's limit (see {@link StreamReader#StreamReader(int)})
     * @param options the server's options
     * @return the server, serving
     * @throws IOException if the socket cannot be bound
     */
    public static Server startServer(StreamReaderProtocol.ClientConnected clientConnected, String host, int port,
            int limit, ServerOptions options) throws IOException {
        return Net.createServer(() -> new StreamReaderProtocol(new StreamReader(limit), clientConnected), host, port, options);
    }

    /**
     * Starts a server on the Unix domain socket {@code path}.
     *
     * @param clientConnected runs once per connection, in a task of its own
     * @param path the socket's path
     * @return the server, serving
     * @throws IOException if the socket cannot be bound
     */
    public static Server startUnixServer(StreamReaderProtocol.ClientConnected clientConnected, Path path) throws IOException {
        return startUnixServer(clientConnected, path, StreamReader.DEFAULT_LIMIT, ServerOptions.DEFAULTS);
    }

    /**
     * {@link #startUnixServer(StreamReaderProtocol.ClientConnected, Path)} with a limit and options (TLS too).
     *
     * @param clientConnected runs once per connection, in a task of its own
     * @param path the socket's path
     * @param limit each reader's limit (see {@link StreamReader#StreamReader(int)})
     * @param options the server's options
     * @return the server, serving
     * @throws IOException if the socket cannot be bound
     */
    public static Server startUnixServer(StreamReaderProtocol.ClientConnected clientConnected, Path path, int limit,
            ServerOptions options) throws IOException {
        return Net.createUnixServer(() -> new StreamReaderProtocol(new StreamReader(limit), clientConnected), path, options);
    }
}
