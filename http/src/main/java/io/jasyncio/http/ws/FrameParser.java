package io.jasyncio.http.ws;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads RFC 6455 frames from the bytes as they arrive, in any pieces, and assembles messages. Everything the
 * RFC forbids is a {@link WebSocketError} with the close code to send: reserved bits (RSV1 only with
 * permessage-deflate, on a message's first frame) or opcodes (1002), a frame masked the wrong way for its
 * direction (1002), a control frame fragmented or over 125 bytes (1002), a continuation with no message
 * started or a message started inside another (1002), a 64-bit length with its top bit set (1002), a close
 * frame with a 1-byte payload or an invalid code (1002), text that is not UTF-8, even by a code point split
 * across fragments (1007, at the first bad byte), a message over {@code maxMsgSize} bytes (1009, as soon as a
 * frame header announces it). Control frames between the fragments of a message are delivered at once.
 *
 * <p>What it holds is bounded: a header of at most 14 bytes, the message being assembled (at most
 * {@code maxMsgSize}, grown as its bytes arrive, not as its header announces them), and a control frame's
 * 125 bytes.
 *
 * <p>Threading: one connection's, on its loop's thread.
 */
final class FrameParser {
    static final int OP_CONTINUATION = 0, OP_TEXT = 1, OP_BINARY = 2, OP_CLOSE = 8, OP_PING = 9, OP_PONG = 10;
    /** The message buffer kept between messages; a larger one is let go once its message is delivered. */
    private static final int KEEP = 64 * 1024;

    /** Where the parser hands what it read. */
    interface Listener {
        void onText(String text);

        void onBinary(byte[] data);

        void onPing(byte[] payload);

        void onPong(byte[] payload);

        /** A close frame: {@code code} 1005 when it carried none. */
        void onClose(int code, String reason);
    }

    private final Listener listener;
    /** A server reads masked frames, a client unmasked ones. */
    private final boolean expectMasked;
    private final long maxMsgSize;
    private PerMessageDeflate deflate;

    // The frame being read.
    private final byte[] header = new byte[14];
    private int headerHave;
    private int headerNeed = 2;
    private boolean inPayload;
    private boolean fin;
    private boolean rsv1;
    private int opcode;
    private final byte[] mask = new byte[4];
    private boolean masked;
    private long payloadLeft;
    private long payloadDone;
    private final byte[] control = new byte[125];
    private int controlLen;

    // The message being assembled.
    private boolean inMessage;
    private int msgOpcode;
    private boolean msgCompressed;
    private byte[] msg = new byte[256];
    private int msgLen;
    private final Utf8Validator utf8 = new Utf8Validator();

    /** Data messages completed, and control frames completed outside a message (see {@link #progress()}). */
    private long progress;
    /** After a close frame or an error: nothing more is read. */
    private boolean stopped;

    FrameParser(Listener listener, boolean expectMasked, long maxMsgSize) {
        this.listener = listener;
        this.expectMasked = expectMasked;
        this.maxMsgSize = maxMsgSize;
    }

    /** Allows RSV1 (compressed messages) and inflates them with {@code d}. */
    void setDeflate(PerMessageDeflate d) {
        this.deflate = d;
    }

    /** Whether part of a frame or of a fragmented message has been read. */
    boolean busy() {
        return headerHave > 0 || inPayload || inMessage;
    }

    /** Grows whenever a message, or a control frame outside one, is complete: a message's clock restarts then. */
    long progress() {
        return progress;
    }

    /** The heap held for the message being assembled. */
    long heldBytes() {
        return msg.length + header.length + control.length;
    }

    /** Reads what {@code data} holds, consuming it; stops after a close frame. */
    void feed(ByteBuffer data) throws WebSocketError {
        try {
            while (data.hasRemaining() && !stopped) {
                if (!inPayload) {
                    int n = Math.min(headerNeed - headerHave, data.remaining());
                    data.get(header, headerHave, n);
                    headerHave += n;
                    if (headerHave == headerNeed) headerRead();
                } else {
                    readPayload(data);
                }
            }
        } catch (WebSocketError e) {
            stopped = true;
            throw e;
        }
    }

    /** The header's bytes so far are {@code headerNeed}: check them, or learn how many more it has. */
    private void headerRead() throws WebSocketError {
        if (headerNeed == 2) {
            int b0 = header[0] & 0xFF, b1 = header[1] & 0xFF;
            fin = (b0 & 0x80) != 0;
            rsv1 = (b0 & 0x40) != 0;
            opcode = b0 & 0x0F;
            masked = (b1 & 0x80) != 0;
            int len7 = b1 & 0x7F;
            if ((b0 & 0x30) != 0) throw protocol("a frame has reserved bits RSV2/RSV3 set");
            boolean isControl = opcode >= 8;
            if (opcode > OP_BINARY && opcode < OP_CLOSE || opcode > OP_PONG) {
                throw protocol("a frame has the reserved opcode " + opcode);
            }
            if (rsv1 && (deflate == null || isControl || opcode == OP_CONTINUATION)) {
                throw protocol(deflate == null ? "a frame has the reserved bit RSV1 set without permessage-deflate"
                        : "RSV1 is set on a " + (isControl ? "control frame" : "continuation frame"));
            }
            if (isControl && !fin) throw protocol("a control frame (opcode " + opcode + ") is fragmented");
            if (isControl && len7 > 125) throw protocol("a control frame's payload is over 125 bytes");
            if (opcode == OP_CONTINUATION && !inMessage) throw protocol("a continuation frame came with no message started");
            if ((opcode == OP_TEXT || opcode == OP_BINARY) && inMessage) {
                throw protocol("a new message started before the fragmented one ended");
            }
            if (masked != expectMasked) {
                throw protocol(expectMasked ? "a client's frame is not masked" : "a server's frame is masked");
            }
            headerNeed = 2 + (len7 == 126 ? 2 : len7 == 127 ? 8 : 0) + (masked ? 4 : 0);
            payloadLeft = len7;
            if (headerNeed > 2) return;
        }
        int at = 2;
        int len7 = header[1] & 0x7F;
        if (len7 == 126) {
            payloadLeft = (header[2] & 0xFF) << 8 | header[3] & 0xFF;
            at = 4;
        } else if (len7 == 127) {
            long n = 0;
            for (int i = 2; i < 10; i++) n = n << 8 | header[i] & 0xFF;
            if (n < 0) throw protocol("a frame's 64-bit length has its most significant bit set");
            payloadLeft = n;
            at = 10;
        }
        if (masked) System.arraycopy(header, at, mask, 0, 4);
        headerHave = 0;
        headerNeed = 2;
        payloadDone = 0;
        if (opcode < 8) {
            if (opcode != OP_CONTINUATION) {
                inMessage = true;
                msgOpcode = opcode;
                msgCompressed = rsv1;
                msgLen = 0;
                utf8.reset();
            }
            if (msgLen + payloadLeft > maxMsgSize) {
                throw new WebSocketError(WSCloseCode.MESSAGE_TOO_BIG, "a message of more than " + (msgLen + payloadLeft)
                        + " bytes exceeds maxMsgSize (" + maxMsgSize + " bytes)");
            }
        } else {
            controlLen = 0;
        }
        inPayload = true;
        if (payloadLeft == 0) frameEnd();
    }

    private void readPayload(ByteBuffer data) throws WebSocketError {
        int n = (int) Math.min(payloadLeft, data.remaining());
        byte[] dst;
        int at;
        if (opcode >= 8) {
            dst = control;
            at = controlLen;
            controlLen += n;
        } else {
            if (msg.length < msgLen + n) msg = Arrays.copyOf(msg, (int) Math.min(Math.max(msgLen + n, 2L * msg.length), maxMsgSize));
            dst = msg;
            at = msgLen;
            msgLen += n;
        }
        data.get(dst, at, n);
        if (masked) unmask(dst, at, n, (int) (payloadDone & 3));
        payloadDone += n;
        payloadLeft -= n;
        if (opcode == OP_TEXT || opcode == OP_CONTINUATION && msgOpcode == OP_TEXT) {
            if (!msgCompressed && !utf8.feed(dst, at, n)) throw invalidText();
        }
        if (payloadLeft == 0) frameEnd();
    }

    private void unmask(byte[] b, int off, int n, int phase) {
        Masking.apply(b, off, n, mask, phase);
    }

    private void frameEnd() throws WebSocketError {
        inPayload = false;
        switch (opcode) {
            case OP_CLOSE -> {
                stopped = true;
                progress++;
                closeFrame();
            }
            case OP_PING -> {
                if (!inMessage) progress++;
                listener.onPing(Arrays.copyOf(control, controlLen));
            }
            case OP_PONG -> {
                if (!inMessage) progress++;
                listener.onPong(Arrays.copyOf(control, controlLen));
            }
            default -> {
                if (fin) messageEnd();
            }
        }
    }

    private void closeFrame() throws WebSocketError {
        if (controlLen == 1) throw protocol("a close frame's payload is 1 byte (a code takes 2)");
        int code = WSCloseCode.NO_STATUS_RECEIVED;
        String reason = "";
        if (controlLen >= 2) {
            code = (control[0] & 0xFF) << 8 | control[1] & 0xFF;
            if (!WSCloseCode.sendable(code)) throw protocol("a close frame has the invalid code " + code);
            if (!Utf8Validator.valid(control, 2, controlLen - 2)) throw invalidText();
            reason = new String(control, 2, controlLen - 2, StandardCharsets.UTF_8);
        }
        listener.onClose(code, reason);
    }

    private void messageEnd() throws WebSocketError {
        inMessage = false;
        progress++;
        byte[] data;
        if (msgCompressed) {
            data = deflate.decompress(msg, msgLen, maxMsgSize);
            if (msgOpcode == OP_TEXT && !Utf8Validator.valid(data, 0, data.length)) throw invalidText();
        } else {
            if (msgOpcode == OP_TEXT && !utf8.complete()) throw invalidText();
            data = msgOpcode == OP_TEXT ? null : Arrays.copyOf(msg, msgLen);
        }
        String text = msgOpcode == OP_TEXT
                ? data == null ? new String(msg, 0, msgLen, StandardCharsets.UTF_8) : new String(data, StandardCharsets.UTF_8)
                : null;
        if (msg.length > KEEP) msg = new byte[256];
        msgLen = 0;
        if (text != null) listener.onText(text);
        else listener.onBinary(data);
    }

    private static WebSocketError protocol(String what) {
        return new WebSocketError(WSCloseCode.PROTOCOL_ERROR, what);
    }

    private static WebSocketError invalidText() {
        return new WebSocketError(WSCloseCode.INVALID_TEXT, "a text message is not valid UTF-8");
    }
}
