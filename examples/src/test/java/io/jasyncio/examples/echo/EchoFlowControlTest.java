package io.jasyncio.examples.echo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Issue 13, item 3: a client that sends and never reads its echo must not make the server buffer what it sends
 * (the protocol server grew by 1.3 GiB per GiB offered). The server stops reading that client above its write
 * buffer's high-water mark, and goes on serving the others.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class EchoFlowControlTest {
    /** What the hostile client offers: far more than the kernel's socket buffers on both sides hold. */
    private static final long OFFERED = 64L << 20;
    /** The high-water mark (64 KiB) plus one read (256 KiB at most), with room to spare. */
    private static final long BOUND = 1L << 20;

    @ParameterizedTest
    @EnumSource(JasyncioEchoServer.Style.class)
    void aClientThatNeverReadsIsHeldBackAndOthersAreStillServed(JasyncioEchoServer.Style style) throws Exception {
        try (JasyncioEchoServer server = new JasyncioEchoServer(style); Socket hog = new Socket()) {
            int port = server.start(0);
            hog.setReceiveBufferSize(64 * 1024); // it never reads: keep what the kernel holds for it small
            hog.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            AtomicLong sent = new AtomicLong();
            AtomicBoolean finished = new AtomicBoolean();
            Thread writer = Thread.ofPlatform().name("hog").start(() -> {
                byte[] mib = new byte[1 << 20];
                try {
                    OutputStream out = hog.getOutputStream();
                    while (sent.get() < OFFERED) {
                        out.write(mib);
                        sent.addAndGet(mib.length);
                    }
                    finished.set(true);
                } catch (IOException closedByTheTest) {
                    // the test closed the socket: the hog's end
                }
            });
            // Until the server holds the client back, or (without flow control) has taken everything it offered.
            while (server.heldBack() == 0 && !finished.get()) Thread.sleep(5);
            try (EchoServersTest.LineClient other = new EchoServersTest.LineClient(port)) {
                assertEquals("still serving", other.echo("still serving"));
            }
            long peak = server.writeBufferPeak();
            assertTrue(peak <= BOUND, "a connection's write buffer reached " + peak + " bytes (" + sent.get()
                    + " bytes offered so far)");
            assertFalse(finished.get(), "the server took all of the " + OFFERED + " bytes offered");
            assertTrue(server.heldBack() > 0);
            hog.close();
            writer.join();
        }
    }
}
