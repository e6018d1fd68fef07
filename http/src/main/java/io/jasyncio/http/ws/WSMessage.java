package io.jasyncio.http.ws;

import java.nio.charset.StandardCharsets;

/**
 * One thing {@link WebSocket#receive()} returns (aiohttp's {@code WSMessage}): its {@link #type()} and data —
 * the text of a TEXT message, the bytes of a BINARY, PING or PONG, the code and reason of a CLOSE, the error of
 * an ERROR.
 *
 * <p>Threading: immutable (the byte array is the message's own: do not change it).
 */
public final class WSMessage {
    static final WSMessage CLOSING = new WSMessage(WSMsgType.CLOSING, null, null, 0, null, null);
    static final WSMessage CLOSED = new WSMessage(WSMsgType.CLOSED, null, null, 0, null, null);

    private final WSMsgType type;
    private final String text;
    private final byte[] bytes;
    private final int code;
    private final String extra;
    private final Throwable error;

    private WSMessage(WSMsgType type, String text, byte[] bytes, int code, String extra, Throwable error) {
        this.type = type;
        this.text = text;
        this.bytes = bytes;
        this.code = code;
        this.extra = extra;
        this.error = error;
    }

    /**
     * A TEXT message to send or compare.
     *
     * @param text the text
     * @return a new message
     */
    public static WSMessage text(String text) {
        return new WSMessage(WSMsgType.TEXT, text, null, 0, null, null);
    }

    /**
     * A BINARY message to send or compare.
     *
     * @param data the bytes; the message keeps the array
     * @return a new message
     */
    public static WSMessage binary(byte[] data) {
        return new WSMessage(WSMsgType.BINARY, null, data, 0, null, null);
    }

    static WSMessage control(WSMsgType type, byte[] payload) {
        return new WSMessage(type, null, payload, 0, null, null);
    }

    static WSMessage close(int code, String reason) {
        return new WSMessage(WSMsgType.CLOSE, null, null, code, reason, null);
    }

    static WSMessage error(Throwable e) {
        return new WSMessage(WSMsgType.ERROR, null, null, 0, null, e);
    }

    /** {@return the message's type (aiohttp's {@code msg.type})} */
    public WSMsgType type() {
        return type;
    }

    /**
     * The text of a TEXT message (null for the other types).
     *
     * @return the text, or null
     */
    public String text() {
        return text;
    }

    /**
     * The bytes of a BINARY, PING or PONG message; a TEXT message's text in UTF-8; otherwise null.
     *
     * @return the bytes, or null
     */
    public byte[] bytes() {
        return bytes != null ? bytes : text != null ? text.getBytes(StandardCharsets.UTF_8) : null;
    }

    /**
     * A CLOSE message's code (1005 when the peer sent none); 0 otherwise.
     *
     * @return the close code, or 0
     */
    public int closeCode() {
        return code;
    }

    /**
     * A CLOSE message's reason (may be empty); null otherwise (aiohttp's {@code msg.extra}).
     *
     * @return the reason, or null
     */
    public String extra() {
        return extra;
    }

    /**
     * An ERROR message's cause ({@link WebSocketError} for a protocol violation); null otherwise.
     *
     * @return the cause, or null
     */
    public Throwable error() {
        return error;
    }

    /** What a message held in the inbox costs, roughly. */
    long size() {
        return 32 + (text != null ? 2L * text.length() : 0) + (bytes != null ? bytes.length : 0);
    }

    @Override
    public String toString() {
        return switch (type) {
            case TEXT -> "<WSMessage TEXT " + (text.length() > 60 ? text.substring(0, 60) + "..." : text) + ">";
            case BINARY, PING, PONG -> "<WSMessage " + type + " " + bytes.length + " bytes>";
            case CLOSE -> "<WSMessage CLOSE " + code + " " + extra + ">";
            case ERROR -> "<WSMessage ERROR " + error + ">";
            default -> "<WSMessage " + type + ">";
        };
    }
}
