package io.jasyncio.examples.echo;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;

/**
 * The blocking parts of seed 002's first servers: bind a listening socket, and {@code handle_client}, which
 * echoes until the client disconnects. Stateless; any thread.
 */
final class BlockingEcho {
    private static final System.Logger LOG = System.getLogger("io.jasyncio.examples.echo");
    private BlockingEcho() {}

    static ServerSocket listen(int port) throws IOException {
        ServerSocket s = new ServerSocket();
        s.setReuseAddress(true);
        s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        return s;
    }

    /**
     * Echoes every byte from {@code client} back to it until it closes its side, then closes the socket. A
     * socket closed under us (the server is closing) ends the loop quietly: that is the expected way out; a
     * client that resets its connection is normal too: one DEBUG line (as asyncio).
     */
    static void handleClient(Socket client) {
        try (client) {
            InputStream in = client.getInputStream();
            OutputStream out = client.getOutputStream();
            byte[] buf = new byte[4096];
            int n;
            while ((n = in.read(buf)) > 0) {
                out.write(buf, 0, n);
            }
        } catch (IOException e) {
            if (!client.isClosed()) LOG.log(System.Logger.Level.DEBUG, () -> "echo client " + client + " gone: " + e);
        }
    }
}
