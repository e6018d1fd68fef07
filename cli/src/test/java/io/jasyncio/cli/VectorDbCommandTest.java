package io.jasyncio.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jasyncio.Asyncio;
import io.jasyncio.EventLoop;
import io.jasyncio.Future;
import io.jasyncio.examples.vectordb.VectorServer;
import io.jasyncio.examples.vectordb.VectorStore;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Issue 13, item 20: {@code vectordb --connect} against a real server, twice, and against a silent one. */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class VectorDbCommandTest {
    /** A {@code vectordb serve} of {@code store} on its own thread; closing it stops the server. */
    private static final class ServerThread implements AutoCloseable {
        final int port;
        private final Thread thread;
        private final CompletableFuture<EventLoop> loop = new CompletableFuture<>();
        private volatile Future<Void> stop;

        ServerThread(VectorStore store) throws Exception {
            CompletableFuture<Integer> bound = new CompletableFuture<>();
            thread = Thread.ofPlatform().name("vectordb-test-server").start(() -> Asyncio.run(() -> {
                try (VectorServer server = VectorServer.start(store, 0)) {
                    stop = Asyncio.getRunningLoop().createFuture();
                    loop.complete(Asyncio.getRunningLoop());
                    bound.complete(server.port());
                    Asyncio.await(stop);
                }
                return null;
            }));
            port = bound.get();
        }

        @Override
        public void close() throws Exception {
            loop.get().callSoonThreadsafe(() -> stop.setResult(null));
            thread.join();
        }
    }

    @Test
    void connectCanRunTwiceAgainstOneServerAndLeavesNothingBehind() throws Exception {
        VectorStore store = new VectorStore();
        try (ServerThread server = new ServerThread(store)) {
            for (int session = 1; session <= 2; session++) {
                CliTest.Run r = CliTest.run("vectordb", "--connect", "127.0.0.1:" + server.port);
                assertEquals(0, r.code(), "session " + session + ": " + r.err());
                assertTrue(r.out().contains("inserted 100 vectors") && r.out().contains("finished 5 concurrent queries"),
                        r.out());
            }
            assertEquals(0, store.reservedBytes(), "each session dropped its collection");
        }
    }

    // A session that fails half-way (here the server's store is too small for its 100 vectors) must not leave its
    // collection behind on a server that others share.
    @Test
    void aFailedSessionStillDropsItsCollection() throws Exception {
        VectorStore store = new VectorStore(4096);
        try (ServerThread server = new ServerThread(store)) {
            CliTest.Run r = CliTest.run("vectordb", "--connect", "127.0.0.1:" + server.port);
            assertEquals(1, r.code(), r.out());
            assertTrue(r.err().startsWith("jasyncio vectordb: the store is full: "), r.err());
            assertEquals(0, store.reservedBytes(), "the session's collection is still on the server");
        }
    }

    @Test
    void connectToAServerThatNeverAnswersTimesOutWithAClearMessage() throws Exception {
        // A listening socket nobody reads: the kernel completes the connection, then nothing ever comes back.
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            String where = "127.0.0.1:" + silent.getLocalPort();
            CliTest.Run r = CliTest.run("vectordb", "--connect", where, "--timeout", "0.5");
            assertEquals(1, r.code(), r.err());
            assertEquals("jasyncio vectordb: no reply from the vector database at " + where + " within 0.5 s\n", r.err());
        }
    }
}
