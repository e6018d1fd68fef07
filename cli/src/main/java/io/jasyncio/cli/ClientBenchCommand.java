package io.jasyncio.cli;

import io.jasyncio.Asyncio;
import io.jasyncio.Task;
import io.jasyncio.http.ClientResponse;
import io.jasyncio.http.ClientSession;
import io.jasyncio.http.InvalidUrlError;
import io.jasyncio.http.TcpConnector;
import io.jasyncio.http.h2.Http2ClientOptions;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code client-bench}: the HTTP client's throughput: N GETs of a URL from C tasks sharing one {@link ClientSession}
 * (HTTP/2 multiplexes them on one connection, as {@code h2load -c 1 -m C} does; HTTP/1.1 uses up to C
 * connections). Prints requests/s and what failed.
 */
@Command(name = "client-bench", mixinStandardHelpOptions = true,
        description = "Drives an HTTP server with ClientSession: N GETs of URL from C concurrent tasks of one session. "
                + "--h2c speaks HTTP/2 by prior knowledge to an http:// URL (one connection, C streams); https:// URLs "
                + "use h2 when the server picks it by ALPN; --http1 forces HTTP/1.1 (up to C connections).")
public final class ClientBenchCommand implements Callable<Integer> {
    static final long MAX_REQUESTS = 100_000_000;
    static final int MAX_CONCURRENCY = 10_000;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", description = "The URL to GET (http:// or https://).")
    String url;

    @Option(names = "--requests", defaultValue = "20000", description = "Requests to measure, 1 to " + MAX_REQUESTS + ". Default ${DEFAULT-VALUE}.")
    long requests;

    @Option(names = "--warmup", defaultValue = "5000", description = "Requests sent first and not measured. Default ${DEFAULT-VALUE}.")
    long warmup;

    @Option(names = "--concurrency", defaultValue = "10", description = "Requests in flight at once, 1 to " + MAX_CONCURRENCY + ". Default ${DEFAULT-VALUE}.")
    int concurrency;

    @Option(names = "--h2c", description = "HTTP/2 with prior knowledge on an http:// URL.")
    boolean h2c;

    @Option(names = "--http1", description = "HTTP/1.1 only.")
    boolean http1;

    @Override
    public Integer call() {
        Check.count(spec, "--requests", requests, 1, MAX_REQUESTS);
        Check.count(spec, "--warmup", warmup, 0, MAX_REQUESTS);
        Check.count(spec, "--concurrency", concurrency, 1, MAX_CONCURRENCY);
        if (h2c && http1) throw Check.fail(spec, "--h2c and --http1 exclude each other");
        try {
            ClientSession.builder().baseUrl(url); // refused here, before any work
        } catch (InvalidUrlError e) {
            throw Check.fail(spec, "URL: " + e.getMessage());
        }
        Http2ClientOptions h2 = http1 ? Http2ClientOptions.OFF : h2c ? Http2ClientOptions.PRIOR_KNOWLEDGE : Http2ClientOptions.DEFAULTS;
        try {
            String out = Asyncio.run(() -> {
                TcpConnector connector = new TcpConnector().limit(concurrency).limitPerHost(concurrency);
                try (ClientSession s = ClientSession.builder().connector(connector, true).http2(h2).build()) {
                    String version = s.get(url).version();
                    round(s, warmup);
                    long t0 = System.nanoTime();
                    long[] failed = round(s, requests);
                    double secs = (System.nanoTime() - t0) / 1e9;
                    return String.format("client-bench: %d requests in %.2f s: %.0f requests/s over %s, %d connection(s), %d concurrent; %d failed, %d not 2xx",
                            requests, secs, requests / secs, version, connector.openConnections(), concurrency, failed[0], failed[1]);
                }
            });
            System.out.println(out);
            return 0;
        } catch (RuntimeException e) {
            System.err.println("client-bench: " + (e.getMessage() != null ? e.getMessage() : e.toString()));
            return 1;
        }
    }

    /** {@code n} GETs from {@code concurrency} tasks; {failed, not 2xx}. */
    private long[] round(ClientSession s, long n) {
        long[] left = {n};
        long[] failed = new long[2];
        List<Task<Void>> tasks = new ArrayList<>();
        for (int i = 0; i < concurrency; i++) {
            tasks.add(Asyncio.createTask(() -> {
                while (left[0] > 0) {
                    left[0]--;
                    try (ClientResponse r = s.get(url)) {
                        r.read();
                        if (r.status() / 100 != 2) failed[1]++;
                    } catch (IOException e) {
                        failed[0]++;
                    }
                }
                return null;
            }));
        }
        for (Task<Void> t : tasks) Asyncio.await(t);
        return failed;
    }
}
