package io.jasyncio.loadtest.target;

import java.io.IOException;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jasyncio.Asyncio;
import io.jasyncio.loadtest.Plan;
import io.jasyncio.loadtest.TestServers;
import io.jasyncio.loadtest.TlsServer;
import io.jasyncio.loadtest.Workload;
import io.jasyncio.loadtest.engine.LoadRun;
import io.jasyncio.loadtest.examples.GetRoot;
import io.jasyncio.loadtest.metrics.ErrorKind;
import io.jasyncio.loadtest.model.LoadModel;
import io.jasyncio.loadtest.report.RunResult;
import io.jasyncio.loadtest.report.TextReport;
import io.jasyncio.loadtest.scenario.WeightedScenario;
import io.jasyncio.loadtest.threshold.Verdict;
import io.jasyncio.transport.BaseTransport;
import io.jasyncio.transport.Net;
import io.jasyncio.transport.Protocol;
import io.jasyncio.transport.Server;
import io.jasyncio.transport.ServerOptions;
import io.jasyncio.transport.Transport;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** https targets (the library's TLS, {@code --insecure}) and {@code --source-addresses}. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HttpsAndSourcesTest {
    private static String show(RunResult r) {
        return TextReport.render(r, Verdict.of(r, List.of()));
    }

    private static RunResult requests(String url, Connector c, int connections) {
        return LoadRun.runInLoop(Plan.of(new Workload.Requests(new HttpTarget(url, "GET", List.of(), null), 1),
                LoadModel.Closed.constant(connections, 0.3)).withConnector(c));
    }

    @Test
    void anHttpsTargetIsLoadedOverTlsWhenItsCertificateIsAcceptedWithInsecure() {
        // a real clock: the TLS engine's work may run on other threads, which a virtual clock would not wait for
        RunResult r = Asyncio.run(() -> {
            try (TlsServer s = new TlsServer()) {
                return requests(s.url("/"), new Connector(true, List.of()), 2);
            }
        });
        assertTrue(r.ok() > 0, show(r));
        assertEquals(0, r.errors(), show(r));
    }

    @Test
    void aSelfSignedCertificateIsRefusedWithoutInsecureAndSaysSo() {
        // a real clock: the TLS engine's work may run on other threads, which a virtual clock would not wait for
        RunResult r = Asyncio.run(() -> {
            try (TlsServer s = new TlsServer()) {
                return requests(s.url("/"), Connector.DEFAULT, 1);
            }
        });
        assertEquals(0, r.ok(), show(r));
        assertTrue(r.errors() > 0, show(r));
        RunResult.Errors e = r.overall().errors().get(ErrorKind.TLS);
        assertTrue(e != null && e.firstMessage().contains("certificate"), show(r));
        assertEquals(Verdict.FAILED, Verdict.of(r, List.of()).exitCode());
    }

    @Test
    void aScenarioCallsAnHttpsBaseUrlWithInsecure() {
        // a real clock: the TLS engine's work may run on other threads, which a virtual clock would not wait for
        RunResult r = Asyncio.run(() -> {
            try (TlsServer s = new TlsServer()) {
                return LoadRun.runInLoop(Plan.of(Workload.Scenarios.of(List.of(new WeightedScenario(new GetRoot(), 1)),
                        s.url("")), LoadModel.Closed.constant(2, 0.3)).withConnector(new Connector(true, List.of())));
            }
        });
        assertTrue(r.ok() > 0, show(r));
        assertEquals(0, r.errors(), show(r));
    }

    /** Remembers the address each connection came from. */
    private static Server recordingServer(Set<String> peers) throws IOException {
        return Net.createServer(() -> new Protocol() {
            Transport t;

            @Override
            public void connectionMade(BaseTransport bt) {
                t = (Transport) bt;
                peers.add(((InetSocketAddress) t.getExtraInfo("peername")).getAddress().getHostAddress());
            }

            @Override
            public void dataReceived(ByteBuffer data) {
                data.position(data.limit());
                t.write(ByteBuffer.wrap("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n".getBytes()));
            }

            @Override
            public boolean eofReceived() {
                return false;
            }

            @Override
            public void connectionLost(Throwable exc) {}
        }, "0.0.0.0", 0, ServerOptions.DEFAULTS);
    }

    @Test
    void connectionsComeFromEachSourceAddressInTurn() {
        Set<String> peers = ConcurrentHashMap.newKeySet();
        RunResult r = TestServers.onVirtualClock(() -> {
            Server s = recordingServer(peers);
            try {
                int port = ((InetSocketAddress) s.getSockets().get(0).socket().getLocalSocketAddress()).getPort();
                return requests("http://127.0.0.1:" + port + "/",
                        new Connector(false, Connector.parseSources("127.0.0.1,127.0.0.2")), 4);
            } finally {
                s.close();
                s.closeClients();
                Asyncio.sleep(0);
            }
        });
        assertEquals(0, r.errors(), show(r));
        assertEquals(Set.of("127.0.0.1", "127.0.0.2"), peers);
    }

    @Test
    void sourceAddressesAreIpLiterals() {
        assertEquals(List.of(InetAddress.ofLiteral("127.0.0.2"), InetAddress.ofLiteral("::1")),
                Connector.parseSources("127.0.0.2, [::1]"));
        for (String bad : new String[] {"localhost", "127.0.0.1,,127.0.0.2", "300.1.1.1", ""}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Connector.parseSources(bad), bad);
            assertTrue(e.getMessage().startsWith("--source-addresses"), e.getMessage());
        }
    }

    @Test
    void httpsUrlsDefaultToPort443() {
        HttpTarget.Url u = HttpTarget.Url.parse("https://example.test/x");
        assertEquals(443, u.port());
        assertTrue(u.tls());
        assertEquals("example.test", u.hostHeader());
        assertEquals("example.test:8443", HttpTarget.Url.parse("https://example.test:8443/").hostHeader());
    }
}
