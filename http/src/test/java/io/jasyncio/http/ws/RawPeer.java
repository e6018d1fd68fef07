package io.jasyncio.http.ws;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;

import io.jasyncio.streams.IncompleteReadError;
import io.jasyncio.streams.StreamPair;
import io.jasyncio.streams.Streams;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A WebSocket client written byte by byte, for the conformance tests: it sends whatever frames a test builds
 * (broken ones too) and reads the server's frames as they are on the wire. Runs in a task of the test's loop.
 */
final class RawPeer implements AutoCloseable {
    final StreamPair c;
    /** The server's answer to the handshake, head only. */
    final String head;

    record Frame(boolean fin, int rsv, int opcode, boolean masked, byte[] payload) {
        int closeCode() {
            return payload.length >= 2 ? (payload[0] & 0xFF) << 8 | payload[1] & 0xFF : 1005;
        }

        String text() {
            return new String(payload, UTF_8);
        }
    }

    private RawPeer(StreamPair c, String head) {
        this.c = c;
        this.head = head;
    }

    static final String KEY = "dGhlIHNhbXBsZSBub25jZQ==";

    /** Opens a connection and sends {@code request} as is; reads the answer's head. */
    static RawPeer request(int port, String request) throws Exception {
        StreamPair c = Streams.openConnection("127.0.0.1", port);
        c.writer().write(request.getBytes(ISO_8859_1));
        String head = new String(c.reader().readuntil("\r\n\r\n".getBytes(ISO_8859_1)), ISO_8859_1);
        return new RawPeer(c, head);
    }

    /** A valid handshake for {@code /ws} with {@code extra} header lines (each ending in CRLF). */
    static String handshake(String extra) {
        return "GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: " + KEY
                + "\r\nSec-WebSocket-Version: 13\r\n" + extra + "\r\n";
    }

    /** Connects to {@code /ws} and expects 101. */
    static RawPeer open(int port) throws Exception {
        return open(port, "");
    }

    static RawPeer open(int port, String extra) throws Exception {
        RawPeer p = request(port, handshake(extra));
        if (!p.head.startsWith("HTTP/1.1 101 ")) throw new AssertionError("no 101: " + p.head);
        return p;
    }

    /** A frame: {@code b0} is FIN, RSV and opcode as on the wire; masked unless {@code mask} is false. */
    static byte[] frame(int b0, byte[] payload, boolean mask) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(b0);
        int m = mask ? 0x80 : 0;
        if (payload.length < 126) {
            out.write(m | payload.length);
        } else if (payload.length <= 0xFFFF) {
            out.write(m | 126);
            out.write(payload.length >>> 8);
            out.write(payload.length);
        } else {
            out.write(m | 127);
            for (int i = 7; i >= 0; i--) out.write((int) ((long) payload.length >>> (8 * i)));
        }
        byte[] key = new byte[4];
        ThreadLocalRandom.current().nextBytes(key);
        if (mask) out.write(key, 0, 4);
        for (int i = 0; i < payload.length; i++) out.write(mask ? payload[i] ^ key[i & 3] : payload[i]);
        return out.toByteArray();
    }

    void send(int b0, byte[] payload) {
        c.writer().write(frame(b0, payload, true));
    }

    void send(int b0, String text) {
        send(b0, text.getBytes(UTF_8));
    }

    void sendRaw(byte[] bytes) {
        c.writer().write(bytes);
    }

    static byte[] closePayload(int code, String reason) {
        byte[] r = reason.getBytes(UTF_8);
        byte[] p = new byte[2 + r.length];
        p[0] = (byte) (code >>> 8);
        p[1] = (byte) code;
        System.arraycopy(r, 0, p, 2, r.length);
        return p;
    }

    /** The next frame from the server, or null at the end of the connection. */
    Frame read() throws Exception {
        try {
            byte[] h = c.reader().readexactly(2);
            long len = h[1] & 0x7F;
            if (len == 126) {
                byte[] e = c.reader().readexactly(2);
                len = (e[0] & 0xFF) << 8 | e[1] & 0xFF;
            } else if (len == 127) {
                byte[] e = c.reader().readexactly(8);
                len = 0;
                for (byte b : e) len = len << 8 | b & 0xFF;
            }
            boolean masked = (h[1] & 0x80) != 0;
            byte[] key = masked ? c.reader().readexactly(4) : null;
            byte[] p = c.reader().readexactly((int) len);
            if (masked) for (int i = 0; i < p.length; i++) p[i] ^= key[i & 3];
            return new Frame((h[0] & 0x80) != 0, (h[0] >> 4) & 7, h[0] & 0x0F, masked, p);
        } catch (Exception e) {
            if (e instanceof IncompleteReadError || e instanceof IOException) return null; // EOF or a reset
            throw e;
        }
    }

    /** Reads frames until a close frame; returns it (null if the connection ended without one). */
    Frame readClose() throws Exception {
        Frame f;
        while ((f = read()) != null && f.opcode() != 8) {
            // data or control frames sent before the close
        }
        return f;
    }

    /** Whether the server ends the connection (EOF or reset) after what it has sent. */
    boolean endsAfter() throws Exception {
        try {
            byte[] rest = c.reader().read();
            while (rest.length > 0) rest = c.reader().read();
            return true;
        } catch (Exception e) {
            if (e instanceof IOException) return true; // a reset
            throw e;
        }
    }

    @Override
    public void close() {
        c.writer().close();
    }
}
