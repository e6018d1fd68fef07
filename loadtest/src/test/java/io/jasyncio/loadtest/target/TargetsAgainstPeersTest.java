package io.jasyncio.loadtest.target;

import java.io.IOException;
import static io.jasyncio.loadtest.TestServers.onVirtualClock;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jasyncio.Asyncio;
import io.jasyncio.loadtest.Plan;
import io.jasyncio.loadtest.Workload;
import io.jasyncio.loadtest.engine.LoadRun;
import io.jasyncio.loadtest.model.LoadModel;
import io.jasyncio.loadtest.report.RunResult;
import io.jasyncio.loadtest.report.TextReport;
import io.jasyncio.loadtest.threshold.Verdict;
import io.jasyncio.streams.Streams;
import io.jasyncio.transport.Server;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The one-request engine against TCP peers on the test's loop: echo servers in each framing, pipelining, and
 * hostile peers (one that never answers, one that trickles, one that answers twice, one that resets).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class TargetsAgainstPeersTest {
    /** A server whose connections run {@code serve(reader, writer)}. */
    private static Server server(BiConsumer<io.jasyncio.streams.StreamReader, io.jasyncio.streams.StreamWriter> serve) throws IOException {
        return Streams.startServer((in, out) -> {
            try {
                serve.accept(in, out);
            } catch (RuntimeException e) {
                // the load tester closed the connection: nothing to answer
            } finally {
                out.close();
            }
        }, "127.0.0.1", 0);
    }

    private static int port(Server s) {
        return s.getSockets().get(0).socket().getLocalPort();
    }

    private static RunResult run(Server s, Wire wire, LoadModel model, int pipeline, double timeout) {
        try (s) {
            RunResult r = LoadRun.runInLoop(Plan.of(new Workload.Requests(wire, pipeline), model).withTimeout(timeout));
            s.close();
            s.abortClients();
            s.waitClosed();
            return r;
        }
    }

    private static String show(RunResult r) {
        return TextReport.render(r, Verdict.of(r, List.of()));
    }

    private static void echoLines(io.jasyncio.streams.StreamReader in, io.jasyncio.streams.StreamWriter out) {
        byte[] line;
        while ((line = in.readline()).length > 0) {
            Asyncio.sleep(0.01);
            out.write(line);
        }
    }

    private static RunResult tcp(Server s, TcpFraming framing, String payload, LoadModel model, int pipeline, double timeout) {
        return run(s, new TcpTarget("127.0.0.1", port(s), framing, payload.getBytes(StandardCharsets.UTF_8)), model, pipeline, timeout);
    }

    @Test
    void tcpLineLengthAndEchoFramingAgainstEchoServers() {
        // each echo takes 10 ms: 2 connections for 1 s make about 200 round trips
        RunResult line = onVirtualClock(() -> tcp(server(TargetsAgainstPeersTest::echoLines), TcpFraming.LINE, "你好",
                LoadModel.Closed.constant(2, 1), 1, 5));
        assertTrue(line.ok() >= 150 && line.ok() <= 210, show(line));
        assertEquals(0, line.errors(), show(line));
        RunResult length = onVirtualClock(() -> tcp(server((in, out) -> {
            while (true) {
                byte[] head = in.readexactly(4);
                int n = ByteBuffer.wrap(head).getInt();
                byte[] body = in.readexactly(n);
                Asyncio.sleep(0.01);
                out.write(head);
                out.write(body);
            }
        }), TcpFraming.LENGTH, "a payload", LoadModel.Closed.constant(2, 1), 1, 5));
        assertTrue(length.ok() >= 150, show(length));
        assertEquals(0, length.errors(), show(length));
        RunResult echo = onVirtualClock(() -> tcp(server((in, out) -> {
            while (true) {
                byte[] b = in.read(3); // a trickling echo: 3 bytes at a time
                if (b.length == 0) return;
                Asyncio.sleep(0.001);
                out.write(b);
            }
        }), TcpFraming.ECHO, "x".repeat(30), LoadModel.Open.constant(50, 1, 5), 1, 5));
        assertEquals(50, echo.ok(), show(echo));
    }

    @Test
    void pipelinedRequestsAreAnsweredInOrder() {
        RunResult r = onVirtualClock(() -> tcp(server(TargetsAgainstPeersTest::echoLines), TcpFraming.LINE, "ping",
                LoadModel.Closed.constant(1, 1), 8, 5));
        assertTrue(r.ok() >= 80, "the server answers one line per 10 ms: " + show(r));
        assertEquals(8, r.maxInFlight(), show(r));
        assertEquals(0, r.errors(), show(r));
    }

    @Test
    void aPeerThatNeverAnswersTimesOutAndIsLeftBehind() {
        RunResult r = onVirtualClock(() -> {
            RunResult res = tcp(server((in, out) -> {
                while (in.readline().length > 0) { } // reads, never answers
            }), TcpFraming.LINE, "hello?", LoadModel.Closed.constant(3, 2), 1, 0.5);
            assertEquals(Set.of(Asyncio.currentTask()), Asyncio.allTasks(), "tasks left running");
            return res;
        });
        assertEquals(r.requests(), r.step("request").failed("timeout"), show(r));
        assertTrue(r.requests() >= 3 * 3, "each connection times out, reconnects and tries again: " + show(r));
    }

    /** Peers that keep the loop busy run on the real clock (a virtual one only moves while the loop waits). */
    @Test
    void aPeerThatAnswersTwiceOrResetsIsCountedNotBelieved() {
        RunResult twice = Asyncio.run(() -> tcp(server((in, out) -> {
            while (in.readline().length > 0) out.write("one\ntwo\n".getBytes(StandardCharsets.US_ASCII));
        }), TcpFraming.LINE, "x", LoadModel.Closed.constant(1, 0.3), 1, 5));
        assertTrue(twice.step("request").failed("malformed") > 0, show(twice));
        RunResult reset = Asyncio.run(() -> tcp(server((in, out) -> {
            in.readline();
            out.transport().abort();
        }), TcpFraming.LINE, "x", LoadModel.Closed.constant(2, 0.3), 1, 5));
        assertEquals(reset.requests(), reset.step("request").failed("reset"), show(reset));
        assertTrue(reset.requests() > 2, show(reset));
    }
}
