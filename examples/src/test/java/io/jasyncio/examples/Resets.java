package io.jasyncio.examples;

import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;

/** A client that resets its connection (SO_LINGER 0, then close: an RST instead of a FIN), for the servers' tests. */
public final class Resets {
    private Resets() {}

    /** How many resets each server's test makes. */
    public static final int COUNT = 100;

    /** Connects, sends {@code message} (reading as many bytes back first if {@code readBack}), and resets. */
    public static void connectAndReset(int port, byte[] message, boolean readBack) throws Exception {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(20_000);
            s.getOutputStream().write(message);
            if (readBack) {
                InputStream in = s.getInputStream();
                byte[] buf = new byte[message.length];
                for (int got = 0, n; got < message.length && (n = in.read(buf)) > 0; ) got += n;
            }
            s.setSoLinger(true, 0);
        }
    }
}
