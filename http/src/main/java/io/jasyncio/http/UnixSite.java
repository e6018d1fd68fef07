package io.jasyncio.http;

import java.io.IOException;

import io.jasyncio.transport.Net;
import io.jasyncio.transport.ServerOptions;
import java.nio.file.Path;

/**
 * Serves an {@link AppRunner}'s application on a Unix domain socket (aiohttp's {@code web.UnixSite}), for a
 * reverse proxy on the same host ({@code proxy_pass http://unix:/run/app.sock:} in nginx) or a local client
 * ({@code curl --unix-socket}). A stale socket file at the path is replaced; the file is removed when the site
 * stops. Access is the file's: the directory's permissions decide who may connect.
 *
 * <p>Threading: call from a task on the runner's loop.
 */
public final class UnixSite extends BaseSite {
    private final AppRunner runner;
    private final Path path;
    private int backlog = ServerOptions.DEFAULT_BACKLOG;

    /**
     * A site on the Unix domain socket at {@code path}; nothing is bound before {@link #start()}.
     *
     * @param runner the runner whose application is served
     * @param path where the socket file is created
     * @throws NullPointerException if {@code runner} or {@code path} is null
     */
    public UnixSite(AppRunner runner, Path path) {
        if (runner == null) throw new NullPointerException("runner");
        if (path == null) throw new NullPointerException("path");
        this.runner = runner;
        this.path = path;
    }

    /**
     * The listen backlog (see {@link TcpSite#backlog}); before {@link #start()}.
     *
     * @param backlog the listen backlog, 1 or more
     * @return this site
     * @throws IllegalArgumentException if {@code backlog} is less than 1
     * @throws IllegalStateException if the site has started
     */
    public UnixSite backlog(int backlog) {
        if (backlog < 1) throw new IllegalArgumentException("backlog must be >= 1, got " + backlog);
        if (server != null) throw new IllegalStateException("set the backlog before start(): " + name());
        this.backlog = backlog;
        return this;
    }

    /**
     * The socket file's path (aiohttp's {@code UnixSite.path}).
     *
     * @return the path given to the constructor
     */
    public Path path() {
        return path;
    }

    /** Binds the socket file and starts accepting connections; an error names the path. */
    @Override
    public void start() throws IOException {
        if (server != null) throw new IllegalStateException("the site is already started: " + name());
        runner.checkServing();
        server = Net.createUnixServer(runner::newConnection, path,
                ServerOptions.DEFAULTS.withBacklog(backlog).withStartServing(false));
        runner.addSite(this);
        server.startServing();
    }

    /** {@code http://unix:/path:}, as aiohttp names it. */
    @Override
    public String name() {
        return "http://unix:" + path + ":";
    }

    @Override
    public String toString() {
        return "<UnixSite " + name() + ">";
    }
}
