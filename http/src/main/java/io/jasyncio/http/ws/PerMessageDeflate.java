package io.jasyncio.http.ws;

import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.Locale;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * The permessage-deflate extension (RFC 7692): its negotiation, and the compression of one connection's
 * messages with {@link Deflater} and {@link Inflater} (raw deflate, {@code SYNC_FLUSH}, the trailing
 * {@code 00 00 ff ff} removed and restored). What a message inflates to is bounded by the connection's
 * {@code maxMsgSize}: a deflate bomb is refused with 1009 once that many bytes came out, whatever it would
 * have grown to.
 *
 * <p>The JDK's {@link Deflater} always uses a 32 KiB window. When the peer asks for a smaller one (a
 * {@code *_max_window_bits} below 15 for what this side sends), each message is compressed on its own (no
 * context kept) and only if it is no longer than the window, so no back-reference can reach further than the
 * peer keeps; longer messages go uncompressed, which the extension allows message by message. Receiving takes
 * any window.
 *
 * <p>Threading: one connection's, on its loop's thread. {@link #end()} frees the native zlib memory.
 */
final class PerMessageDeflate {
    static final String NAME = "permessage-deflate";
    /** What a client offers: compression both ways, and it accepts a limit on its own window. */
    static final String CLIENT_OFFER = NAME + "; client_max_window_bits";
    private static final byte[] TAIL = {0, 0, (byte) 0xff, (byte) 0xff};
    private static final int CHUNK = 16 * 1024;

    /** Parameters agreed on (RFC 7692 section 7.1); the window bits are 15 when not limited. */
    record Params(boolean serverNoContextTakeover, boolean clientNoContextTakeover, int serverMaxWindowBits,
            int clientMaxWindowBits, boolean clientWindowBitsAnswered) {
        /** The extension's header value with these parameters (the server's answer). */
        String header() {
            StringBuilder sb = new StringBuilder(NAME);
            if (serverNoContextTakeover) sb.append("; server_no_context_takeover");
            if (clientNoContextTakeover) sb.append("; client_no_context_takeover");
            if (serverMaxWindowBits < 15) sb.append("; server_max_window_bits=").append(serverMaxWindowBits);
            if (clientWindowBitsAnswered) sb.append("; client_max_window_bits=").append(clientMaxWindowBits);
            return sb.toString();
        }
    }

    /**
     * The server's choice among the client's offers (the values of its {@code Sec-WebSocket-Extensions}
     * headers): the first permessage-deflate offer whose parameters are all valid, or null (no compression).
     */
    static Params accept(List<String> headerValues) {
        for (String value : headerValues) {
            for (String offer : value.split(",")) {
                Params p = parse(offer, false);
                if (p != null) return p;
            }
        }
        return null;
    }

    /**
     * The client's reading of the server's answer: its parameters, or a {@link WSServerHandshakeError} when it
     * names another extension or parameters the client did not offer or cannot take.
     */
    static Params clientAccepts(List<String> headerValues) throws WSServerHandshakeError {
        Params found = null;
        for (String value : headerValues) {
            for (String ext : value.split(",")) {
                if (ext.isBlank()) continue;
                Params p = parse(ext, true);
                if (p == null || found != null) {
                    throw new WSServerHandshakeError(101, "the server answered an extension the client did not offer "
                            + "or with parameters it cannot take: " + ext.trim());
                }
                found = p;
            }
        }
        return found;
    }

    /** One extension's parameters, or null if it is not permessage-deflate or a parameter is invalid or repeated. */
    private static Params parse(String ext, boolean answer) {
        String[] parts = ext.split(";");
        if (!parts[0].trim().equalsIgnoreCase(NAME)) return null;
        boolean sNoCtx = false, cNoCtx = false, sBitsSeen = false, cBitsSeen = false, cBitsValued = false;
        int sBits = 15, cBits = 15;
        for (int i = 1; i < parts.length; i++) {
            String p = parts[i].trim();
            int eq = p.indexOf('=');
            String name = (eq < 0 ? p : p.substring(0, eq)).trim().toLowerCase(Locale.ROOT);
            String v = eq < 0 ? null : p.substring(eq + 1).trim();
            if (v != null && v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"")) v = v.substring(1, v.length() - 1);
            switch (name) {
                case "server_no_context_takeover" -> {
                    if (sNoCtx || v != null) return null;
                    sNoCtx = true;
                }
                case "client_no_context_takeover" -> {
                    if (cNoCtx || v != null) return null;
                    cNoCtx = true;
                }
                case "server_max_window_bits" -> {
                    if (sBitsSeen || (sBits = bits(v)) < 0) return null;
                    sBitsSeen = true;
                }
                case "client_max_window_bits" -> {
                    if (cBitsSeen) return null;
                    cBitsSeen = true;
                    if (v != null) {
                        if ((cBits = bits(v)) < 0) return null;
                        cBitsValued = true;
                    } else if (answer) {
                        return null; // an answer must give the value
                    }
                }
                default -> {
                    return null;
                }
            }
        }
        // The server does not limit the client's window below what it offered (the Inflater takes any).
        return new Params(sNoCtx, cNoCtx, sBits, answer ? cBits : 15, answer && cBitsValued);
    }

    private static int bits(String v) {
        if (v == null || !v.matches("[0-9]{1,2}")) return -1;
        int b = Integer.parseInt(v);
        return b >= 8 && b <= 15 ? b : -1;
    }

    private final Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
    private final Inflater inflater = new Inflater(true);
    private final boolean resetDeflater;
    private final boolean resetInflater;
    /** What this side sends is compressed only up to this length when the peer's window is smaller than 32 KiB. */
    private final int maxCompressed;

    PerMessageDeflate(boolean server, Params p) {
        int sendBits = server ? p.serverMaxWindowBits() : p.clientMaxWindowBits();
        maxCompressed = sendBits < 15 ? 1 << sendBits : Integer.MAX_VALUE;
        resetDeflater = (server ? p.serverNoContextTakeover() : p.clientNoContextTakeover()) || sendBits < 15;
        resetInflater = server ? p.clientNoContextTakeover() : p.serverNoContextTakeover();
    }

    /** {@code data} compressed as one message's payload, or null when it must go uncompressed. */
    byte[] compress(byte[] data) {
        if (data.length > maxCompressed) return null;
        deflater.setInput(data);
        ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(64, data.length / 2 + 16));
        byte[] buf = new byte[Math.min(CHUNK, data.length + 64)];
        while (true) {
            int n = deflater.deflate(buf, 0, buf.length, Deflater.SYNC_FLUSH);
            out.write(buf, 0, n);
            if (n < buf.length && deflater.needsInput()) break;
        }
        if (resetDeflater) deflater.reset();
        byte[] z = out.toByteArray();
        // zlib skips a flush with nothing new to flush: an empty message is one empty block (RFC 7692 7.2.3.6)
        if (z.length < 4) return new byte[] {0};
        return java.util.Arrays.copyOf(z, z.length - 4); // without the 00 00 ff ff the flush ended with
    }

    /**
     * One message's payload {@code in[0, len)} inflated; a {@link WebSocketError} 1009 once it comes to more than
     * {@code max} bytes, 1007 if it is not valid deflate data.
     */
    byte[] decompress(byte[] in, int len, long max) throws WebSocketError {
        ByteArrayOutputStream out = new ByteArrayOutputStream(Math.min(CHUNK, Math.max(64, 4 * len)));
        byte[] buf = new byte[CHUNK];
        try {
            inflater.setInput(in, 0, len);
            inflate(out, buf, max);
            if (!inflater.finished()) {
                inflater.setInput(TAIL);
                inflate(out, buf, max);
            }
        } catch (DataFormatException e) {
            inflater.reset();
            throw new WebSocketError(WSCloseCode.INVALID_TEXT, "a compressed message is not valid deflate data: " + e.getMessage());
        }
        // The peer ended its stream (a final block): the next message starts a new one.
        if (resetInflater || inflater.finished()) inflater.reset();
        return out.toByteArray();
    }

    private void inflate(ByteArrayOutputStream out, byte[] buf, long max) throws DataFormatException, WebSocketError {
        while (true) {
            int n = inflater.inflate(buf);
            if (n > 0) {
                if (out.size() + (long) n > max) {
                    inflater.reset();
                    throw new WebSocketError(WSCloseCode.MESSAGE_TOO_BIG,
                            "a compressed message inflates to more than maxMsgSize (" + max + " bytes)");
                }
                out.write(buf, 0, n);
            } else if (inflater.needsInput() || inflater.finished()) {
                return;
            } else if (inflater.needsDictionary()) {
                throw new DataFormatException("it asks for a preset dictionary");
            }
        }
    }

    /** Frees zlib's native memory; the codec cannot be used afterwards. */
    void end() {
        deflater.end();
        inflater.end();
    }
}
