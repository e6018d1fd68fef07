package io.jasyncio.http;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A plain blocking server on loopback that answers each connection with a test's script, byte for byte (well-
 * or ill-formed), for tests of what a client does with the wire. Each connection is served on a thread of its own.
 */
final class CannedServer {
    /** What to do with connection number {@code connection} (0, 1, ...). */
    interface Script {
        void serve(int connection, Socket sock, BufferedReader in, OutputStream out) throws IOException;
    }

    private CannedServer() {}

    /** Starts serving; close the returned socket to stop. */
    static ServerSocket start(Script script) throws IOException {
        ServerSocket ss = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
        Thread.ofPlatform().daemon().start(() -> {
            for (int i = 0; !ss.isClosed(); i++) {
                try {
                    Socket sock = ss.accept();
                    int n = i;
                    Thread.ofPlatform().daemon().start(() -> {
                        try (sock) {
                            script.serve(n, sock, new BufferedReader(new InputStreamReader(sock.getInputStream(),
                                    StandardCharsets.ISO_8859_1)), sock.getOutputStream());
                        } catch (IOException ignored) {
                            // the test's client went away
                        }
                    });
                } catch (IOException closed) {
                    return;
                }
            }
        });
        return ss;
    }

    /** Reads a request's head; returns its request line, or null at the end of the connection. */
    static String readHead(BufferedReader in) throws IOException {
        String first = in.readLine();
        String l = first;
        while (l != null && !l.isEmpty()) l = in.readLine();
        return first;
    }

    static void send(OutputStream out, String s) throws IOException {
        out.write(s.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }
}
