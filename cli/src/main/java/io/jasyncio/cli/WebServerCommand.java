package io.jasyncio.cli;

import io.jasyncio.examples.web.WebApp;
import io.jasyncio.http.Web;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code web-server}: seed 004's aiohttp-style web server ({@link WebApp}); runs until Ctrl-C (exit 130) or
 * SIGTERM (exit 0), either way letting the requests under way finish.
 */
@Command(name = "web-server", mixinStandardHelpOptions = true,
        description = "Seed 004's web server, aiohttp-style: GET / (Hello, World!), GET /hello/{name}, "
                + "GET /sleep?s=0.1, POST /echo, GET /ws (a WebSocket echo). Serves until Ctrl-C or SIGTERM, then lets the requests under way finish.")
public final class WebServerCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "Address to listen on. Default ${DEFAULT-VALUE}.")
    String host;

    @Option(names = "--port", defaultValue = "8080", description = "Port, 0 (any free one) to 65535. Default ${DEFAULT-VALUE}.")
    int port;

    @Override
    public Integer call() {
        Check.listenPort(spec, "--port", port);
        Web.runApp(WebApp.app(), host, port);
        return 0;
    }
}
