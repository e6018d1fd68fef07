package io.jasyncio.http.h2;

import java.io.ByteArrayOutputStream;
import java.util.List;

/**
 * A header block being received (RFC 9113 §4.3): a HEADERS frame and its CONTINUATION frames, gathered under the
 * same bounds on either side of a connection — the compressed bytes ({@code maxBytes}) and the CONTINUATION count
 * (a CONTINUATION flood is a connection error, ENHANCE_YOUR_CALM) — then decoded at once, so the HPACK table stays
 * in step with the peer's even when the block is refused afterwards. The frame reader already refuses any other
 * frame in the middle of a block.
 *
 * <p>Threading: the connection's (its loop's) only.
 */
final class HeaderBlock {
    private final int maxBytes;
    private final int maxContinuations;
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private int stream;
    private boolean endStream;
    private int frames;

    HeaderBlock(int maxBytes, int maxContinuations) {
        this.maxBytes = maxBytes;
        this.maxContinuations = maxContinuations;
    }

    /** Starts a block with {@code h}; true when it is whole (END_HEADERS), then {@link #decode} it. */
    boolean headers(Frame.Headers h) {
        if ((h.streamId() & 1) == 0) throw Http2Exception.connection(ErrorCode.PROTOCOL_ERROR, "HEADERS on even stream " + h.streamId());
        stream = h.streamId();
        endStream = h.endStream();
        bytes.reset();
        frames = 1;
        append(h.fragment());
        return h.endHeaders();
    }

    /** Adds a CONTINUATION of the open block; true when it is whole. */
    boolean continuation(Frame.Continuation c) {
        if (++frames > maxContinuations + 1) {
            throw Http2Exception.connection(ErrorCode.ENHANCE_YOUR_CALM, "a header block of more than "
                    + maxContinuations + " CONTINUATION frames (CONTINUATION flood)");
        }
        append(c.fragment());
        return c.endHeaders();
    }

    private void append(byte[] fragment) {
        if (bytes.size() + fragment.length > maxBytes) {
            throw Http2Exception.connection(ErrorCode.ENHANCE_YOUR_CALM, "a header block over " + maxBytes + " bytes");
        }
        bytes.writeBytes(fragment);
    }

    /** The whole block's stream. */
    int stream() {
        return stream;
    }

    /** Whether the block's HEADERS frame ended its stream. */
    boolean endStream() {
        return endStream;
    }

    /** Compressed bytes held (for a connection's buffered-bytes count). */
    int size() {
        return bytes.size();
    }

    /** Decodes the whole block with {@code decoder} and forgets it. */
    List<HeaderField> decode(HpackDecoder decoder) {
        List<HeaderField> fields = decoder.decode(bytes.toByteArray());
        bytes.reset();
        return fields;
    }

    /** RFC 9113 §8.1: trailers end their stream and carry no pseudo-header. */
    static void checkTrailers(int stream, boolean endStream, List<HeaderField> fields) {
        if (!endStream) throw Http2Exception.stream(stream, ErrorCode.PROTOCOL_ERROR, "trailers without END_STREAM");
        for (HeaderField f : fields) {
            if (f.name().startsWith(":")) throw Http2Exception.stream(stream, ErrorCode.PROTOCOL_ERROR, "a pseudo-header in trailers");
        }
    }
}
