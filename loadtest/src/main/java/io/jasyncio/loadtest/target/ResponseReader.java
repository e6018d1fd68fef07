package io.jasyncio.loadtest.target;

import java.nio.ByteBuffer;

/**
 * Frames the answers of one connection from the bytes as they arrive, in order, doing no more work than
 * finding where each ends and whether it is a success. One per connection.
 *
 * <p>Threading: the event loop's thread only.
 */
public interface ResponseReader {
    /**
     * Consumes all of {@code data}, telling {@code sink} of each complete answer; a {@link ProtocolViolation}
     * if the bytes are not in the protocol or over a limit.
     *
     * @param data the bytes that arrived; consumed whole
     * @param sink told of each complete answer
     * @throws ProtocolViolation the bytes are not in the protocol, or over a limit
     */
    void feed(ByteBuffer data, ResponseSink sink);

    /**
     * The peer closed its side: returns true if that ended an answer (which was told to {@code sink}).
     *
     * @param sink told of the answer the close ended, if any
     * @return true if the close ended an answer
     */
    boolean eof(ResponseSink sink);

    /**
     * Whether part of an answer has arrived but not all of it.
     *
     * @return true while an answer is partly read
     */
    boolean midAnswer();
}
