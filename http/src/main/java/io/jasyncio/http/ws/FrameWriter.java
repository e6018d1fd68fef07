package io.jasyncio.http.ws;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Encodes RFC 6455 frames: header and payload in one array, masked with a fresh key when a client sends.
 *
 * <p>The masking key is drawn from {@link ThreadLocalRandom}: masking exists so a browser script cannot choose
 * the bytes an intermediary sees; a Java client's caller chooses its bytes anyway, so a cryptographic source
 * would cost time per frame and protect nothing here.
 *
 * <p>Threading: stateless.
 */
final class FrameWriter {
    private FrameWriter() {}

    static byte[] frame(int opcode, boolean fin, boolean rsv1, byte[] payload, int off, int len, boolean mask) {
        int lenBytes = len < 126 ? 0 : len <= 0xFFFF ? 2 : 8;
        int head = 2 + lenBytes + (mask ? 4 : 0);
        byte[] out = new byte[head + len];
        out[0] = (byte) ((fin ? 0x80 : 0) | (rsv1 ? 0x40 : 0) | opcode);
        int b1 = lenBytes == 0 ? len : lenBytes == 2 ? 126 : 127;
        out[1] = (byte) ((mask ? 0x80 : 0) | b1);
        int at = 2;
        if (lenBytes == 2) {
            out[2] = (byte) (len >>> 8);
            out[3] = (byte) len;
            at = 4;
        } else if (lenBytes == 8) {
            for (int i = 0; i < 8; i++) out[2 + i] = (byte) ((long) len >>> (56 - 8 * i));
            at = 10;
        }
        if (!mask) {
            System.arraycopy(payload, off, out, at, len);
            return out;
        }
        int key = ThreadLocalRandom.current().nextInt();
        byte[] k = {(byte) (key >>> 24), (byte) (key >>> 16), (byte) (key >>> 8), (byte) key};
        System.arraycopy(k, 0, out, at, 4);
        at += 4;
        System.arraycopy(payload, off, out, at, len);
        Masking.apply(out, at, len, k, 0);
        return out;
    }
}
