package io.jasyncio.examples.vectordb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jasyncio.Asyncio;
import io.jasyncio.Coroutine;
import io.jasyncio.Runner;
import io.jasyncio.Task;
import io.jasyncio.streams.StreamPair;
import io.jasyncio.streams.Streams;
import io.jasyncio.transport.Server;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class VectorClientTest {

    private static <T> T run(Coroutine<T> main) {
        try (Runner r = new Runner()) {
            return r.run(main);
        }
    }

    /** What a call returned or threw, so that two clients can be compared call by call. */
    private static Object outcome(Coroutine<?> call) {
        try {
            return call.call();
        } catch (Exception e) {
            return e.getClass().getSimpleName() + ": " + e.getMessage();
        }
    }

    /** A random session of calls, errors included; returns every outcome in order. */
    static List<Object> session(VectorClient db, long seed) {
        Random rnd = new Random(seed);
        List<Object> out = new ArrayList<>();
        int dim = 8;
        for (Metric m : Metric.values()) {
            String coll = "c_" + m;
            out.add(outcome(() -> {
                db.createCollection(coll, dim, m);
                return "created";
            }));
            Map<String, float[]> batch = new LinkedHashMap<>();
            for (int i = 0; i < 300; i++) batch.put("vec_" + i, BruteForce.randomVector(rnd, dim));
            out.add(outcome(() -> db.batchInsert(coll, batch)));
            for (int i = 0; i < 20; i++) {
                String id = "vec_" + rnd.nextInt(400);
                float[] v = BruteForce.randomVector(rnd, dim);
                out.add(outcome(() -> db.insert(coll, id, v)));
                out.add(outcome(() -> db.delete(coll, "vec_" + rnd.nextInt(400))));
            }
            for (int q = 0; q < 10; q++) {
                float[] query = BruteForce.randomVector(rnd, dim);
                out.add(outcome(() -> db.search(coll, query, 1 + rnd.nextInt(20))));
            }
        }
        out.add(outcome(() -> {
            db.createCollection("c_L2", 3, Metric.L2);
            return "created twice";
        }));
        out.add(outcome(() -> db.search("missing", new float[dim], 3)));
        out.add(outcome(() -> db.insert("c_DOT", "short", new float[dim - 1])));
        out.add(outcome(() -> db.search("c_COSINE", new float[dim], 3)));
        out.add(outcome(() -> db.search("c_DOT", new float[dim], 0)));
        out.add(outcome(() -> db.dropCollection("c_DOT")));
        out.add(outcome(() -> db.dropCollection("c_DOT")));
        out.add(outcome(() -> db.search("c_DOT", new float[dim], 1)));
        return out;
    }

    @Test
    void embeddedSearchesEqualBruteForce() {
        run(() -> {
            VectorStore store = new VectorStore();
            try (VectorClient db = VectorClient.connect(store)) {
                Random rnd = new Random(7);
                db.createCollection("docs", 32, Metric.COSINE);
                BruteForce expected = new BruteForce(Metric.COSINE);
                for (int i = 0; i < 200; i++) expected.vectors.put("doc_" + i, BruteForce.randomVector(rnd, 32));
                assertEquals(200, db.batchInsert("docs", expected.vectors));
                for (int q = 0; q < 10; q++) {
                    float[] query = BruteForce.randomVector(rnd, 32);
                    assertEquals(expected.search(query, 5).stream().map(Hit::id).toList(),
                            db.search("docs", query, 5).stream().map(Hit::id).toList());
                }
            }
            return null;
        });
    }

    @Test
    void remoteClientGivesExactlyWhatTheEmbeddedOneGives() {
        List<Object> embedded = run(() -> {
            try (VectorClient db = VectorClient.connect(new VectorStore())) {
                return session(db, 99);
            }
        });
        List<Object> remote = run(() -> {
            try (VectorServer server = VectorServer.start(new VectorStore(), 0);
                    VectorClient db = VectorClient.connect("127.0.0.1", server.port())) {
                return session(db, 99);
            }
        });
        assertEquals(embedded.size(), remote.size());
        for (int i = 0; i < embedded.size(); i++) assertEquals(embedded.get(i), remote.get(i), "call " + i);
        // the session did exercise the error paths
        assertTrue(embedded.contains("IllegalArgumentException: collection 'c_L2' already exists"), embedded.toString());
        assertTrue(embedded.contains("IllegalArgumentException: topK must be at least 1, got 0"), embedded.toString());
        assertTrue(embedded.contains("IllegalArgumentException: unknown collection 'c_DOT' (create it first)"),
                embedded.toString());
    }

    @Test
    void concurrentSearchesOnOneRemoteClientArePipelinedAndMatched() {
        run(() -> {
            VectorStore store = new VectorStore();
            Random rnd = new Random(3);
            VectorCollection c = store.createCollection("docs", 16, Metric.L2);
            for (int i = 0; i < 500; i++) c.insert("doc_" + i, BruteForce.randomVector(rnd, 16));
            try (VectorServer server = VectorServer.start(store, 0);
                    VectorClient db = VectorClient.connect("127.0.0.1", server.port())) {
                List<float[]> queries = new ArrayList<>();
                List<Task<List<Hit>>> tasks = new ArrayList<>();
                for (int q = 0; q < 20; q++) {
                    float[] query = BruteForce.randomVector(rnd, 16);
                    int k = 1 + q % 7;
                    queries.add(query);
                    tasks.add(Asyncio.createTask(() -> db.search("docs", query, k)));
                }
                for (int q = 0; q < 20; q++) {
                    assertEquals(c.search(queries.get(q), 1 + q % 7), Asyncio.await(tasks.get(q)), "query " + q);
                }
            }
            return null;
        });
    }

    @Test
    void callsOnAClosedClientOrAfterTheServerLeftFailClearly() {
        run(() -> {
            VectorClient embedded = VectorClient.connect(new VectorStore());
            embedded.close();
            assertEquals("this vector database client is closed; connect a new one",
                    assertThrows(IllegalStateException.class, () -> embedded.search("x", new float[1], 1)).getMessage());

            VectorServer server = VectorServer.start(new VectorStore(), 0);
            VectorClient db = VectorClient.connect("127.0.0.1", server.port());
            db.createCollection("docs", 2, Metric.DOT);
            server.close();
            RuntimeException e = assertThrows(RuntimeException.class, () -> db.insert("docs", "a", new float[] {1, 2}));
            assertTrue(e.getMessage().contains("connection"), e.toString());
            db.close();
            assertEquals("this vector database client is closed; connect a new one",
                    assertThrows(RuntimeException.class, () -> db.insert("docs", "a", new float[] {1, 2})).getMessage());
            return null;
        });
    }

    @Test
    void theServerAnswersAMalformedRequestAndDropsAPeerThatSpeaksAnotherProtocol() {
        run(() -> {
            try (VectorServer server = VectorServer.start(new VectorStore(), 0)) {
                StreamPair peer = Streams.openConnection("127.0.0.1", server.port());
                peer.writer().write(new Wire.Writer().i8(99).finish());
                Wire.Reader reply = new Wire.Reader(Wire.readFrame(peer.reader()));
                assertEquals(Wire.BAD_REQUEST, reply.i8());
                assertEquals("vector database protocol error: unknown operation 99", reply.str());
                // a request cut short inside a field
                peer.writer().write(new Wire.Writer().i8(Wire.SEARCH).i32(1000).finish());
                reply = new Wire.Reader(Wire.readFrame(peer.reader()));
                assertEquals(Wire.BAD_REQUEST, reply.i8());
                assertEquals("vector database protocol error: a count of 1000 does not fit in the 0 bytes left "
                        + "in the message", reply.str());
                peer.writer().close();

                StreamPair stranger = Streams.openConnection("127.0.0.1", server.port());
                stranger.writer().write("GET / HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                // "GET " announces a frame of 1.2 GB: the server says so and hangs up
                java.nio.ByteBuffer end;
                try {
                    Wire.Reader r = new Wire.Reader(Wire.readFrame(stranger.reader()));
                    assertEquals(Wire.BAD_REQUEST, r.i8());
                    assertEquals("vector database protocol error: a frame announces 1195725856 bytes; the limit is "
                            + Wire.MAX_FRAME, r.str());
                    end = Wire.readFrame(stranger.reader());
                } catch (java.net.SocketException reset) {
                    end = null; // closing with our bytes unread makes the kernel reset: a hang-up all the same
                }
                assertEquals(null, end, "the server hung up");
                stranger.writer().close();
            }
            return null;
        });
    }

    @Test
    void aConnectionCutInTheMiddleOfAReplyFailsTheWaitingCallsWithAClearError() {
        run(() -> {
            // A fake server that answers with half a frame and hangs up.
            Server fake = Streams.startServer((in, out) -> {
                Wire.readFrame(in);
                out.write(new byte[] {0, 0, 0, 9, Wire.OK});
                out.close();
            }, "127.0.0.1", 0);
            try (fake; VectorClient db = VectorClient.connect("127.0.0.1", fake.getSockets().get(0).socket().getLocalPort())) {
                RuntimeException e = assertThrows(RuntimeException.class, () -> db.delete("docs", "a"));
                assertEquals("the connection to the vector database is lost: java.io.EOFException: the peer closed the "
                        + "connection in the middle of a frame (1 of 9 bytes read)", e.getMessage());
            }
            return null;
        });
    }

    @Test
    void connectingWhereNothingListensIsRefused() {
        run(() -> {
            int port;
            try (var s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
                port = s.getLocalPort(); // free once closed
            }
            assertThrows(java.net.ConnectException.class, () -> VectorClient.connect("127.0.0.1", port));
            return null;
        });
    }

    @Test
    void closingTheServerAndItsClientsLeavesNothingRunning() {
        run(() -> {
            VectorServer server = VectorServer.start(new VectorStore(), 0);
            List<VectorClient> clients = new ArrayList<>();
            for (int i = 0; i < 3; i++) clients.add(VectorClient.connect("127.0.0.1", server.port()));
            clients.get(0).createCollection("docs", 2, Metric.DOT);
            for (VectorClient c : clients) assertEquals(0, c.search("docs", new float[] {1, 0}, 1).size());
            server.close();
            server.waitClosed();
            for (VectorClient c : clients) {
                assertThrows(RuntimeException.class, () -> c.search("docs", new float[] {1, 0}, 1));
                c.close();
            }
            // the clients' reader and writer tasks end at their next turn of the loop
            for (int turn = 0; turn < 10 && Asyncio.allTasks().size() > 1; turn++) Asyncio.sleep(0);
            assertEquals(java.util.Set.of(Asyncio.currentTask()), Asyncio.allTasks());
            return null;
        });
    }

    /** Sends {@code frame} as it is and returns the reply's status and message. */
    private static String badRequest(StreamPair peer, java.nio.ByteBuffer frame) throws Exception {
        peer.writer().write(frame);
        Wire.Reader reply = new Wire.Reader(Wire.readFrame(peer.reader()));
        int status = reply.i8();
        return status + " " + reply.str();
    }

    // issue 13, item 5: what the server refuses, and how
    @Test
    void theServerRefusesInvalidUtf8LeftOverBytesAndFramesOverTheLimit() {
        run(() -> {
            VectorStore store = new VectorStore();
            store.createCollection("secret_a", 2, Metric.DOT);
            try (VectorServer server = VectorServer.start(store, 0)) {
                StreamPair peer = Streams.openConnection("127.0.0.1", server.port());
                // a name that is not UTF-8 (0xC3 0x28: a two-byte sequence broken off)
                java.nio.ByteBuffer f = new Wire.Writer().i8(Wire.CREATE).i32(2).i8(0xC3).i8(0x28).i32(2).i8(0).finish();
                assertEquals("1 vector database protocol error: a string of 2 bytes is not valid UTF-8", badRequest(peer, f));
                // a well-formed request with three bytes after it
                f = new Wire.Writer().i8(Wire.DROP).str("nothing").i8(1).i8(2).i8(3).finish();
                assertEquals("1 vector database protocol error: 3 bytes left over after the request's fields",
                        badRequest(peer, f));
                // an unknown collection: only that name in the answer, not what else the store holds
                f = new Wire.Writer().i8(Wire.SEARCH).str("x").vec(new float[] {1, 0}).i32(1).finish();
                assertEquals("1 unknown collection 'x' (create it first)", badRequest(peer, f));
                // the connection still serves
                f = new Wire.Writer().i8(Wire.DROP).str("secret_a").finish();
                peer.writer().write(f);
                Wire.Reader ok = new Wire.Reader(Wire.readFrame(peer.reader()));
                assertEquals(Wire.OK, ok.i8());
                assertEquals(1, ok.i8());
                // a frame over the limit: answered, then the server hangs up
                f = java.nio.ByteBuffer.allocate(4).putInt(0, Wire.MAX_FRAME + 1);
                assertEquals("1 vector database protocol error: a frame announces " + (Wire.MAX_FRAME + 1)
                        + " bytes; the limit is " + Wire.MAX_FRAME, badRequest(peer, f));
                assertEquals(null, Wire.readFrame(peer.reader()), "the server hung up");
                peer.writer().close();
            }
            return null;
        });
    }

    private static <T> T runOnVirtualClock(Coroutine<T> main) {
        try (Runner r = Runner.builder().loopFactory(io.jasyncio.EventLoop::withVirtualClock).build()) {
            return r.run(main);
        }
    }

    // A peer that starts a request and never finishes it (it trickles, or stalls) is answered and hung up on once
    // the frame's deadline has passed, instead of holding its connection, and what it sent, for ever.
    @Test
    void aRequestThatStallsHalfWayIsRefusedAtItsDeadline() {
        runOnVirtualClock(() -> {
            try (VectorServer server = VectorServer.start(new VectorStore(), 0)) {
                StreamPair peer = Streams.openConnection("127.0.0.1", server.port());
                double t0 = Asyncio.getRunningLoop().time();
                // a frame announcing 100 bytes, of which 10 come
                peer.writer().write(java.nio.ByteBuffer.allocate(14).putInt(0, 100));
                Wire.Reader r = new Wire.Reader(Wire.readFrame(peer.reader()));
                assertEquals(Wire.BAD_REQUEST, r.i8());
                assertEquals("vector database protocol error: a request did not arrive whole within 30 s of its first byte",
                        r.str());
                assertEquals(VectorServer.FRAME_TIMEOUT_SECONDS, Asyncio.getRunningLoop().time() - t0, 1.0);
                assertEquals(null, Wire.readFrame(peer.reader()), "the server hung up");
                peer.writer().close();
            }
            return null;
        });
    }

    // ... while a client may stay connected and idle between requests as long as it likes.
    @Test
    void anIdleConnectionBetweenRequestsIsKept() {
        runOnVirtualClock(() -> {
            try (VectorServer server = VectorServer.start(new VectorStore(), 0);
                    VectorClient db = VectorClient.connect("127.0.0.1", server.port(), 10 * VectorServer.FRAME_TIMEOUT_SECONDS)) {
                db.createCollection("docs", 2, Metric.DOT);
                Asyncio.sleep(5 * VectorServer.FRAME_TIMEOUT_SECONDS);
                assertTrue(db.insert("docs", "a", new float[] {1, 0}));
            }
            return null;
        });
    }

    // issue 13, item 20: a server that never answers is given up on, with a message naming it
    @Test
    void aServerThatNeverAnswersTimesOut() throws Exception {
        try (var silent = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            int port = silent.getLocalPort();
            run(() -> {
                try (VectorClient db = VectorClient.connect("127.0.0.1", port, 0.2)) {
                    var e = assertThrows(io.jasyncio.TimeoutError.class, () -> db.dropCollection("docs"));
                    assertEquals("no reply from the vector database at 127.0.0.1:" + port + " within 0.2 s", e.getMessage());
                    // the late reply, if it ever came, would go to nobody: the next call waits for its own
                    assertThrows(io.jasyncio.TimeoutError.class, () -> db.dropCollection("docs"));
                }
                return null;
            });
        }
    }

    // issue 13, item 14: clients resetting their connections mid-request are logged at DEBUG only
    @Test
    void resetsAreNoWarnings() throws Exception {
        try (io.jasyncio.examples.LogCapture log = new io.jasyncio.examples.LogCapture()) {
            run(() -> {
                try (VectorServer server = VectorServer.start(new VectorStore(), 0)) {
                    int port = server.port();
                    // each a thread of its own: a blocking socket must not block the loop that serves it
                    Asyncio.toThread(() -> {
                        for (int i = 0; i < io.jasyncio.examples.Resets.COUNT; i++) {
                            // a frame announcing 100 bytes, of which 10 come before the reset
                            byte[] part = java.nio.ByteBuffer.allocate(14).putInt(100).array();
                            io.jasyncio.examples.Resets.connectAndReset(port, part, false);
                        }
                        return null;
                    });
                    try (VectorClient db = VectorClient.connect("127.0.0.1", port)) {
                        db.createCollection("after", 2, Metric.DOT); // still serving
                    }
                    server.close();
                    server.waitClosed();
                }
                return null;
            });
            assertEquals(List.of(), log.warningsAndErrors());
        }
    }
}
