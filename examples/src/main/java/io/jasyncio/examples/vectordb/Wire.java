package io.jasyncio.examples.vectordb;

import io.jasyncio.Asyncio;
import io.jasyncio.TimeoutError;
import io.jasyncio.streams.IncompleteReadError;
import io.jasyncio.streams.StreamReader;
import java.io.EOFException;
import java.io.IOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The vector database's wire protocol: length-prefixed binary frames, big-endian.
 * <pre>
 * frame    = length:int32 body            (length = size of body, at most {@link #MAX_FRAME} bytes)
 * request  = op:int8 fields...
 *   CREATE  name:str dim:int32 metric:int8            reply: -
 *   INSERT  coll:str id:str vector:vec                reply: isNew:int8
 *   BATCH   coll:str count:int32 (id:str vector:vec)* reply: count:int32
 *   SEARCH  coll:str query:vec topK:int32             reply: n:int32 (id:str score:float64)*
 *   DELETE  coll:str id:str                           reply: existed:int8
 *   DROP    coll:str                                  reply: existed:int8
 * reply    = status:int8 (0 ok: the op's fields | 1 bad request: message:str | 2 server error: message:str)
 * str      = length:int32 utf8-bytes;   vec = count:int32 float32*
 * </pre>
 * A connection carries requests one after another; replies come back in the same order, so a client may send
 * several before reading (pipelining). A request must be exactly its fields: bytes left over after them, a
 * string that is not valid UTF-8, or a count larger than what follows is a bad request. A frame announcing more
 * than {@link #MAX_FRAME} bytes, or one that does not arrive whole within the server's deadline
 * ({@link VectorServer#FRAME_TIMEOUT_SECONDS} from its first byte), is answered with a bad request reply and the
 * connection is closed (the server cannot find the next frame without reading that one). Stateless; any thread.
 */
final class Wire {
    private Wire() {}

    static final int MAX_FRAME = 64 << 20;
    static final byte CREATE = 1, INSERT = 2, BATCH = 3, SEARCH = 4, DELETE = 5, DROP = 6;
    static final byte OK = 0, BAD_REQUEST = 1, SERVER_ERROR = 2;

    /** A growable frame being written; {@link #finish} fills in the length prefix. */
    static final class Writer {
        private ByteBuffer buf = ByteBuffer.allocate(256).position(4);

        Writer i8(int v) {
            room(1).put((byte) v);
            return this;
        }

        Writer i32(int v) {
            room(4).putInt(v);
            return this;
        }

        Writer f64(double v) {
            room(8).putDouble(v);
            return this;
        }

        Writer str(String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            room(4 + b.length).putInt(b.length).put(b);
            return this;
        }

        Writer vec(float[] v) {
            room(4 + 4 * v.length).putInt(v.length).asFloatBuffer().put(v);
            buf.position(buf.position() + 4 * v.length);
            return this;
        }

        /** The whole frame, ready to write. */
        ByteBuffer finish() {
            int bodyLength = buf.position() - 4;
            if (bodyLength > MAX_FRAME) {
                throw new IllegalArgumentException("a message of " + bodyLength + " bytes is larger than the protocol's "
                        + MAX_FRAME + "-byte limit; send the vectors in smaller batches");
            }
            return buf.putInt(0, bodyLength).flip();
        }

        private ByteBuffer room(int n) {
            if (buf.remaining() < n) {
                ByteBuffer bigger = ByteBuffer.allocate(Math.max(buf.capacity() * 2, buf.position() + n));
                buf = bigger.put(buf.flip());
            }
            return buf;
        }
    }

    /** Reads the fields of one frame body; a truncated or inconsistent body is a {@link ProtocolException}. */
    static final class Reader {
        private final ByteBuffer buf;

        Reader(ByteBuffer body) {
            this.buf = body;
        }

        int i8() {
            return get(() -> buf.get());
        }

        int i32() {
            return get(buf::getInt);
        }

        double f64() {
            return get(buf::getDouble);
        }

        /** A string, which must be well-formed UTF-8 (a malformed one is refused, not patched with U+FFFD). */
        String str() {
            byte[] b = new byte[length(1)];
            get(() -> buf.get(b));
            try {
                return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(b)).toString();
            } catch (CharacterCodingException e) {
                throw new ProtocolException("a string of " + b.length + " bytes is not valid UTF-8");
            }
        }

        /** Checks that the whole body was read: bytes left over mean the peer meant something else. */
        void expectEnd() {
            if (buf.hasRemaining()) {
                throw new ProtocolException(buf.remaining() + " bytes left over after the request's fields");
            }
        }

        float[] vec() {
            float[] v = new float[length(4)];
            get(() -> buf.asFloatBuffer().get(v));
            buf.position(buf.position() + 4 * v.length);
            return v;
        }

        Map<String, float[]> batch() {
            int n = length(8);
            Map<String, float[]> m = new LinkedHashMap<>();
            for (int i = 0; i < n; i++) m.put(str(), vec());
            return m;
        }

        List<Hit> hits() {
            int n = length(12);
            List<Hit> hits = new ArrayList<>(n);
            for (int i = 0; i < n; i++) hits.add(new Hit(str(), f64()));
            return hits;
        }

        /** A count of items of at least {@code minBytes} each, checked against what is left. */
        private int length(int minBytes) {
            int n = i32();
            if (n < 0 || (long) n * minBytes > buf.remaining()) {
                throw new ProtocolException("a count of " + n + " does not fit in the " + buf.remaining()
                        + " bytes left in the message");
            }
            return n;
        }

        private <T> T get(java.util.function.Supplier<T> read) {
            try {
                return read.get();
            } catch (BufferUnderflowException e) {
                throw new ProtocolException("the message ended in the middle of a field");
            }
        }
    }

    /** {@link #readFrame(StreamReader, Double)} with no deadline (a client: each of its calls has its own timeout). */
    static ByteBuffer readFrame(StreamReader in) throws IOException {
        return readFrame(in, null);
    }

    /**
     * Reads one frame from {@code in} and returns its body; null if the peer closed the connection cleanly
     * between frames, {@link EOFException} if it closed in the middle of one. Waiting for a frame's first byte
     * has no limit (a connection may be idle between requests); from then on the whole frame must come within
     * {@code deadline} seconds (null: no limit), else a {@link ProtocolException}. Suspends the calling task
     * while waiting; the reader's own errors (a reset connection, say) come through unchanged.
     */
    static ByteBuffer readFrame(StreamReader in, Double deadline) throws IOException {
        byte first;
        try {
            first = in.readexactly(1)[0];
        } catch (IncompleteReadError e) {
            return null;
        }
        try {
            return Asyncio.timeout(deadline, () -> restOfFrame(in, first));
        } catch (TimeoutError e) {
            throw new ProtocolException("a request did not arrive whole within "
                    + java.math.BigDecimal.valueOf(deadline).stripTrailingZeros().toPlainString() + " s of its first byte");
        }
    }

    private static ByteBuffer restOfFrame(StreamReader in, byte first) throws IOException {
        int length;
        try {
            length = ByteBuffer.allocate(4).put(first).put(in.readexactly(3)).getInt(0);
        } catch (IncompleteReadError e) {
            throw truncated(e, 1);
        }
        if (length < 0 || length > MAX_FRAME) {
            throw new ProtocolException("a frame announces " + length + " bytes; the limit is " + MAX_FRAME);
        }
        try {
            return ByteBuffer.wrap(in.readexactly(length));
        } catch (IncompleteReadError e) {
            throw truncated(e, 0);
        }
    }

    /** The peer closed in the middle of a frame (or of its header, {@code before} bytes of which came before {@code e}'s read). */
    private static EOFException truncated(IncompleteReadError e, int before) {
        EOFException eof = new EOFException("the peer closed the connection in the middle of a frame ("
                + (before + e.partial().length) + " of " + (before + e.expected()) + " bytes read)");
        eof.initCause(e);
        return eof;
    }

    /** A malformed frame: the peer does not speak this protocol (or has a bug). */
    static final class ProtocolException extends IllegalStateException {
        ProtocolException(String message) {
            super("vector database protocol error: " + message);
        }
    }
}
