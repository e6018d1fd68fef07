package io.jasyncio.cli;

import java.io.IOException;
import io.jasyncio.examples.web.ServerTls;
import io.jasyncio.examples.web.WebApp;
import io.jasyncio.http.AccessLog;
import io.jasyncio.http.AppRunner;
import io.jasyncio.http.BaseSite;
import io.jasyncio.http.TcpSite;
import io.jasyncio.http.UnixSite;
import io.jasyncio.http.Web;
import io.jasyncio.tls.TlsOptions;
import io.jasyncio.transport.ShardedServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code web-server}: seed 004's aiohttp-style web server ({@link WebApp}); runs until Ctrl-C (exit 130) or
 * SIGTERM (exit 0), either way letting the requests under way finish. {@code --static DIR} serves a directory
 * under {@code /static/}, {@code --https} serves HTTPS (a self-signed certificate made on the fly unless
 * {@code --cert}/{@code --key} are given), {@code --unix PATH} listens on a Unix socket instead of TCP. With
 * {@code --loops N}, N event loops serve the port, each with its own application
 * ({@link Web#runApp(java.util.function.Supplier, String, int, int)}).
 */
@Command(name = "web-server", mixinStandardHelpOptions = true,
        description = "Seed 004's web server, aiohttp-style: GET / (Hello, World!), GET /hello/{name}, "
                + "GET /sleep?s=0.1, POST /echo, POST /count (a streamed upload of any size), GET /static/... with --static, "
                + "GET /login?user=NAME (a cookie and a redirect to a named route), GET /me, GET /logout, "
                + "GET /squares/{n:\\d{1,4}} (JSON), /ws (a WebSocket echo). "
                + "Serves until Ctrl-C or SIGTERM, then lets the requests under way finish.")
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

    @Option(names = "--static", paramLabel = "DIR", description = "Serve the files under DIR at /static/ (no directory listing).")
    Path staticDir;

    @Option(names = "--https", description = "Serve HTTPS: with --cert/--key, or a self-signed certificate for localhost made now.")
    boolean https;

    @Option(names = "--cert", paramLabel = "FILE", description = "The server's certificate chain, PEM (implies --https; needs --key).")
    Path cert;

    @Option(names = "--key", paramLabel = "FILE", description = "The server's private key, PEM PKCS#8, unencrypted (implies --https; needs --cert).")
    Path key;

    @Option(names = "--unix", paramLabel = "PATH", description = "Listen on the Unix socket PATH instead of --host/--port (plain HTTP).")
    Path unix;

    @Override
    public Integer call() throws IOException {
        Check.listenPort(spec, "--port", port);
        Check.loops(spec, loops);
        if (staticDir != null && !Files.isDirectory(staticDir)) {
            throw Check.fail(spec, "--static: no directory at " + staticDir.toAbsolutePath());
        }
        if ((cert == null) != (key == null)) throw Check.fail(spec, cert == null ? "--key needs --cert" : "--cert needs --key");
        boolean tls = https || cert != null;
        if (unix != null && tls) throw Check.fail(spec, "--unix serves plain HTTP: leave out --https/--cert/--key (a proxy in front terminates TLS)");
        if (unix != null && (unix.getParent() != null && !Files.isDirectory(unix.getParent()))) {
            throw Check.fail(spec, "--unix: no directory " + unix.getParent() + " to put the socket in");
        }
        AccessLog log = accessLog ? AccessLog.toStream(AccessLog.DEFAULT_FORMAT, System.out) : null;
        if (loops != 1) {
            String alone = accessLog ? "--access-log" : tls ? "--https" : unix != null ? "--unix" : null;
            if (alone != null) {
                throw Check.fail(spec, alone + " with --loops " + loops + ": not yet (one loop serves it); use --loops 1");
            }
            Web.runApp(() -> WebApp.app(staticDir), host, port, loops, sharding.value);
            return 0;
        }
        Function<AppRunner, BaseSite> site;
        if (unix != null) {
            site = r -> new UnixSite(r, unix);
        } else if (tls) {
            ServerTls.Made made;
            try {
                made = cert != null ? ServerTls.fromPem(cert, key) : ServerTls.selfSigned();
            } catch (IllegalArgumentException e) {
                throw Check.fail(spec, e.getMessage());
            }
            if (cert == null) {
                System.out.println("self-signed certificate for localhost, SHA-256 " + made.fingerprint()
                        + " (curl -k, or trust it in your client)");
            }
            TlsOptions options = TlsOptions.server(made.context());
            site = r -> new TcpSite(r, host, port, options);
        } else {
            site = r -> new TcpSite(r, host, port);
        }
        Web.runApp(WebApp.app(staticDir), site, log);
        return 0;
    }
}
