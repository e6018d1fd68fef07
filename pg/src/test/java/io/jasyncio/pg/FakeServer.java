package io.jasyncio.pg;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A scripted stand-in for a PostgreSQL server, for fault injection only (a connection dropped mid-result, garbage,
 * a huge length, silence): each accepted connection runs {@code script} on a thread of its own with plain blocking
 * sockets. Behaviour tests use the real server ({@link PgCluster}).
 */
final class FakeServer implements AutoCloseable {
    interface Script {
        void run(Conn c) throws Exception;
    }

    final ServerSocket socket;
    private final List<Socket> accepted = new ArrayList<>();
    private final Thread acceptor;

    FakeServer(Script script) throws IOException {
        socket = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
        acceptor = Thread.ofPlatform().daemon().start(() -> {
            try {
                while (true) {
                    Socket s = socket.accept();
                    synchronized (accepted) {
                        accepted.add(s);
                    }
                    Thread.ofPlatform().daemon().start(() -> {
                        try (s) {
                            script.run(new Conn(s));
                        } catch (Exception e) {
                            // the client went away, or the script ended it
                        }
                    });
                }
            } catch (IOException e) {
                // closed
            }
        });
    }

    String dsn() {
        return "postgresql://u@127.0.0.1:" + socket.getLocalPort() + "/d?sslmode=disable";
    }

    @Override
    public void close() throws Exception {
        socket.close();
        synchronized (accepted) {
            for (Socket s : accepted) s.close();
        }
        acceptor.join(5000);
    }

    /** One client connection, with the few protocol messages the scripts need. */
    static final class Conn {
        final Socket s;
        final DataInputStream in;
        final OutputStream out;

        Conn(Socket s) throws IOException {
            this.s = s;
            this.in = new DataInputStream(s.getInputStream());
            this.out = s.getOutputStream();
        }

        /** Reads the StartupMessage (or SSLRequest/CancelRequest): returns its code. */
        int readStartup() throws IOException {
            int len = in.readInt();
            int code = in.readInt();
            in.readNBytes(len - 8);
            return code;
        }

        /** Startup answered: AuthenticationOk, BackendKeyData, ReadyForQuery. */
        void handshake() throws IOException {
            readStartup();
            send('R', ByteBuffer.allocate(4).putInt(0).array());
            send('K', ByteBuffer.allocate(8).putInt(4242).putInt(99).array());
            ready();
        }

        /** AuthenticationOk, BackendKeyData, ReadyForQuery (after an authentication exchange of the script's). */
        void handshakeAfterAuth() throws IOException {
            send('R', ByteBuffer.allocate(4).putInt(0).array());
            send('K', ByteBuffer.allocate(8).putInt(4242).putInt(99).array());
            ready();
        }

        void ready() throws IOException {
            send('Z', new byte[] {'I'});
        }

        /** Reads one frontend message: its type. */
        char read() throws IOException {
            char type = (char) in.readUnsignedByte();
            int len = in.readInt();
            in.readNBytes(len - 4);
            return type;
        }

        /** Reads messages up to and including the next Sync. */
        void readUntilSync() throws IOException {
            while (read() != 'S') { }
        }

        void send(char type, byte[] body) throws IOException {
            ByteBuffer b = ByteBuffer.allocate(5 + body.length);
            b.put((byte) type).putInt(4 + body.length).put(body);
            out.write(b.array());
            out.flush();
        }

        void raw(byte[] bytes) throws IOException {
            out.write(bytes);
            out.flush();
        }

        /** The answer to a prepare of a one-int4-column statement: ParseComplete, ParameterDescription, RowDescription. */
        void preparedOneInt() throws IOException {
            send('1', new byte[0]);
            send('t', new byte[] {0, 0});
            ByteBuffer rd = ByteBuffer.allocate(2 + 2 + 18);
            rd.putShort((short) 1).put((byte) 'n').put((byte) 0).putInt(0).putShort((short) 0).putInt(23).putShort((short) 4)
                    .putInt(-1).putShort((short) 0);
            send('T', rd.array());
            ready();
        }

        void dataRowInt(int v) throws IOException {
            send('D', ByteBuffer.allocate(10).putShort((short) 1).putInt(4).putInt(v).array());
        }

        static byte[] text(String s) {
            return (s + "\0").getBytes(StandardCharsets.UTF_8);
        }
    }
}
